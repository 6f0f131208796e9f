package dev.assent.samples.transfer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XAConnection;
import org.h2.jdbcx.JdbcDataSource;

/** One bank: an embedded H2 database holding accounts, reached through H2's XA data source. */
final class Bank {
    private final String name;
    private final JdbcDataSource dataSource;

    Bank(String name, Path dataDir) {
        this.name = name;
        this.dataSource = new JdbcDataSource();
        dataSource.setURL(
                "jdbc:h2:" + dataDir.toAbsolutePath().resolve(name) + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        dataSource.setUser("sa");
        dataSource.setPassword("");
    }

    String name() {
        return name;
    }

    XAConnection openXaConnection() throws SQLException {
        return dataSource.getXAConnection();
    }

    /** Creates the accounts table and seeds it on first use; leaves an existing one alone. */
    void createAccounts(int accounts, long balance) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS account (id INT PRIMARY KEY, balance BIGINT NOT NULL"
                    + " CHECK (balance >= 0))");
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM account")) {
                rows.next();
                if (rows.getInt(1) > 0) {
                    return;
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
        }
    }

    int accountCount() throws SQLException {
        return (int) query("SELECT COUNT(*) FROM account");
    }

    long totalBalance() throws SQLException {
        return query("SELECT COALESCE(SUM(balance), 0) FROM account");
    }

    /** Transactions the database holds prepared (in doubt); 0 once every transfer has finished. */
    long preparedTransactions() throws SQLException {
        return query("SELECT COUNT(*) FROM INFORMATION_SCHEMA.IN_DOUBT");
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Closes the embedded database cleanly. */
    void shutdown() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        }
    }
}
