package dev.assent.bench.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The two bank databases of the transfer workload on embedded PostgreSQL 17 servers (zonky
 * binaries), each with an {@code accounts} table of {@code id, balance}.
 */
public final class TransferDatabases implements AutoCloseable {
    /** The opening balance of every account. */
    public static final long OPENING_BALANCE = 1_000_000L;

    /** The superuser's password: the embedded servers trust local logins, so it is never checked. */
    static final String PASSWORD = "trusted";

    /** Prepared-transaction slots per server: more than the connections any run opens. */
    static final int MAX_PREPARED_TRANSACTIONS = 120;

    private final List<EmbeddedPostgres> servers;
    private final Endpoint a;
    private final Endpoint b;

    private TransferDatabases(List<EmbeddedPostgres> servers, Endpoint a, Endpoint b) {
        this.servers = servers;
        this.a = a;
        this.b = b;
    }

    /** Two servers, one database {@code bank} on each: the benchmark's set-up. */
    public static TransferDatabases twoServers() throws IOException, SQLException {
        List<EmbeddedPostgres> servers = new ArrayList<>();
        try {
            servers.add(startServer());
            servers.add(startServer());
            return new TransferDatabases(servers, create(servers.get(0), "bank"), create(servers.get(1), "bank"));
        } catch (IOException | SQLException | RuntimeException e) {
            closeAll(servers);
            throw e;
        }
    }

    /** One server with two databases: cheaper, for the smoke test. */
    public static TransferDatabases oneServer() throws IOException, SQLException {
        List<EmbeddedPostgres> servers = new ArrayList<>();
        try {
            servers.add(startServer());
            return new TransferDatabases(servers, create(servers.get(0), "bank_a"), create(servers.get(0), "bank_b"));
        } catch (IOException | SQLException | RuntimeException e) {
            closeAll(servers);
            throw e;
        }
    }

    private static EmbeddedPostgres startServer() throws IOException {
        return EmbeddedPostgres.builder()
                .setServerConfig("max_prepared_transactions", Integer.toString(MAX_PREPARED_TRANSACTIONS))
                .setServerConfig("max_connections", "150")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    private static Endpoint create(EmbeddedPostgres server, String database) throws SQLException {
        String base = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/";
        try (Connection c = connect(new Endpoint(base + "postgres", "postgres", PASSWORD));
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
        return new Endpoint(base + database, "postgres", PASSWORD);
    }

    public Endpoint a() {
        return a;
    }

    public Endpoint b() {
        return b;
    }

    /** (Re)creates the accounts table of both databases with {@code accounts} rows each. */
    public void seed(int accounts) throws SQLException {
        seed(a, accounts);
        seed(b, accounts);
    }

    static void seed(Endpoint db, int accounts) throws SQLException {
        try (Connection c = connect(db);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS accounts");
            s.execute("CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL)");
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT INTO accounts (id, balance) SELECT g, ? FROM generate_series(1, ?) g")) {
                insert.setLong(1, OPENING_BALANCE);
                insert.setInt(2, accounts);
                insert.executeUpdate();
            }
            s.execute("VACUUM ANALYZE accounts");
        }
    }

    /** The sum of all balances in one database. */
    public static long total(Endpoint db) throws SQLException {
        return queryLong(db, "SELECT coalesce(sum(balance), 0) FROM accounts");
    }

    /** Transactions left prepared in one database (must be 0 after a run). */
    public static long prepared(Endpoint db) throws SQLException {
        return queryLong(db, "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()");
    }

    private static long queryLong(Endpoint db, String sql) throws SQLException {
        try (Connection c = connect(db);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Connection connect(Endpoint db) throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    @Override
    public void close() throws IOException {
        closeAll(servers);
    }

    private static void closeAll(List<EmbeddedPostgres> servers) throws IOException {
        IOException failure = null;
        for (EmbeddedPostgres server : servers) {
            try {
                server.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
