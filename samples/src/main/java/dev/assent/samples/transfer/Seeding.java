package dev.assent.samples.transfer;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Creates and seeds a bank's accounts on first use, before the transaction manager starts, with a
 * plain connection. A bank that already holds accounts is only read: the table is not touched
 * while an earlier run's transactions may still hold its rows prepared (MariaDB keeps their
 * metadata locks, which DDL would wait for).
 */
final class Seeding {
    private Seeding() {}

    /**
     * Seeds {@code endpoint} with {@code accounts} accounts of {@code balance} each when it has none,
     * and marks {@code store} (null for a server of the user's, which keeps no marker).
     *
     * @throws RunRefused when the marker says the bank was seeded and its accounts are gone
     */
    static void ensure(Endpoint endpoint, BankStore store, int accounts, long balance)
            throws SQLException, IOException, RunRefused {
        Properties login = new Properties();
        if (!endpoint.user().isEmpty()) {
            login.setProperty("user", endpoint.user());
            login.setProperty("password", endpoint.password());
        }
        try (Connection connection = connect(endpoint, login)) {
            boolean exists = tableExists(connection);
            Held held = exists ? held(connection) : new Held(0, 0);
            if (held.accounts() > 0) {
                if (store != null && !store.marked()) {
                    store.mark((int) held.accounts(), held.total()); // seeded by a run from before the markers
                }
                return;
            }
            if (store != null && store.marked()) {
                throw store.gone(exists ? "has no accounts any more" : "has no accounts table any more");
            }
            seed(connection, exists, accounts, balance);
            if (store != null) {
                store.mark(accounts, accounts * balance);
            }
        }
    }

    /** The first connection of the run: a failure names the database, which the driver's message may not. */
    private static Connection connect(Endpoint endpoint, Properties login) throws SQLException {
        try {
            return DriverManager.getConnection(endpoint.url(), login);
        } catch (SQLException e) {
            throw new SQLException(
                    "cannot reach " + endpoint.product().label() + " at " + endpoint.url() + ": " + e.getMessage(),
                    e.getSQLState(),
                    e);
        }
    }

    private static boolean tableExists(Connection connection) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String name = meta.storesUpperCaseIdentifiers() ? "ACCOUNT" : "account";
        try (ResultSet tables = meta.getTables(connection.getCatalog(), null, name, new String[] {"TABLE"})) {
            return tables.next();
        }
    }

    private record Held(long accounts, long total) {}

    private static Held held(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*), COALESCE(SUM(balance), 0) FROM account")) {
            rows.next();
            return new Held(rows.getLong(1), rows.getLong(2));
        }
    }

    /** One transaction (where the database makes DDL transactional): a crash leaves no half-seeded bank. */
    private static void seed(Connection connection, boolean tableExists, int accounts, long balance)
            throws SQLException {
        connection.setAutoCommit(false);
        try {
            if (!tableExists) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL"
                            + " CHECK (balance >= 0))");
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account VALUES (?, ?)")) {
                for (int id = 0; id < accounts; id++) {
                    insert.setInt(1, id);
                    insert.setLong(2, balance);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }
}
