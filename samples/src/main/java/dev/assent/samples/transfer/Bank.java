package dev.assent.samples.transfer;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.AssentDataSource;
import dev.assent.xa.AssentDataSources;
import dev.assent.xa.DataSourceBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One bank: a database holding accounts, reached through an xa-adapters pool whose connections
 * join the current transaction by themselves and which is registered for recovery.
 */
final class Bank implements AutoCloseable {
    private final String name;
    private final Endpoint endpoint;
    private final boolean embeddedH2;
    private final AssentDataSource dataSource;

    /** {@code embeddedH2}: the database lives in this process and is shut down by {@link #close()}. */
    Bank(String name, Endpoint endpoint, boolean embeddedH2, AssentTransactionManager tm, int maxPoolSize) {
        this.name = name;
        this.endpoint = endpoint;
        this.embeddedH2 = embeddedH2;
        DataSourceBuilder builder = switch (endpoint.product()) {
            case H2 -> AssentDataSources.h2(tm);
            case POSTGRES -> AssentDataSources.postgres(tm);
            case MARIADB -> AssentDataSources.mariadb(tm);
        };
        this.dataSource = builder.name(name)
                .url(endpoint.url())
                .user(endpoint.user())
                .password(endpoint.password())
                .maxPoolSize(maxPoolSize)
                .build();
    }

    String name() {
        return name;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Connections join the calling thread's transaction; outside one they auto-commit. */
    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    int accountCount() throws SQLException {
        return (int) query("SELECT COUNT(*) FROM account");
    }

    long totalBalance() throws SQLException {
        return query("SELECT COALESCE(SUM(balance), 0) FROM account");
    }

    /** Transactions the database holds prepared (in doubt); 0 once every transfer has finished. */
    long preparedTransactions() throws SQLException {
        return switch (endpoint.product()) {
            case H2 -> query("SELECT COUNT(*) FROM INFORMATION_SCHEMA.IN_DOUBT");
            case POSTGRES -> query("SELECT COUNT(*) FROM pg_prepared_xacts WHERE database = current_database()");
            case MARIADB -> countRows("XA RECOVER");
        };
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private long countRows(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            long count = 0;
            while (rows.next()) {
                count++;
            }
            return count;
        }
    }

    /** Closes the pool (and unregisters it from recovery); an embedded H2 database is shut down. */
    @Override
    public void close() throws SQLException {
        dataSource.close();
        if (embeddedH2) {
            try (Connection connection =
                            DriverManager.getConnection(endpoint.url(), endpoint.user(), endpoint.password());
                    Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            }
        }
    }
}
