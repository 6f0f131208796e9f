package dev.assent.xa.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** An accounts table in each test database, and the SQL the scenarios run against it. */
public final class Bank {
    private Bank() {}

    /** Drops and re-creates {@code accounts} with account 1 holding {@code balance}. */
    public static void reset(TestDatabase db, long balance) throws SQLException {
        db.execute(
                "DROP TABLE IF EXISTS accounts",
                "CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)"
                        + (db.kind().equals("mariadb") ? " ENGINE=InnoDB" : ""),
                "INSERT INTO accounts (id, balance) VALUES (1, " + balance + ")");
    }

    /** Adds {@code amount} to account 1 through {@code connection}. */
    public static void add(Connection connection, long amount) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = 1")) {
            update.setLong(1, amount);
            if (update.executeUpdate() != 1) {
                throw new SQLException("account 1 is missing");
            }
        }
    }

    /** Opens account {@code id} through {@code connection}. */
    public static void open(Connection connection, int id, long balance) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setLong(2, balance);
            insert.executeUpdate();
        }
    }

    /** The committed balance of account {@code id}, read by the administrator; -1 when absent. */
    public static long balance(TestDatabase db, int id) throws SQLException {
        try (Connection connection = db.admin()) {
            return balance(connection, id);
        }
    }

    public static long balance(Connection connection, int id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
            select.setInt(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The number of accounts, read through {@code connection}. */
    public static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A value naming the physical session behind {@code connection}. */
    public static String sessionId(Connection connection, String kind) throws SQLException {
        String sql = switch (kind) {
            case "postgres" -> "SELECT pg_backend_pid()";
            case "mariadb" -> "SELECT CONNECTION_ID()";
            default -> "SELECT SESSION_ID()";
        };
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
