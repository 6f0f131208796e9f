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
 *
 * <p>Every server runs with PostgreSQL's durable defaults, checked after it starts: a benchmark
 * whose databases acknowledge commits they have not forced measures something no production system
 * runs. zonky's builder turns them off unless told otherwise (it starts the server with {@code -F},
 * which is {@code fsync = off}, and sets {@code synchronous_commit = off}).
 */
public final class TransferDatabases implements AutoCloseable {
    /** The opening balance of every account. */
    public static final long OPENING_BALANCE = 1_000_000L;

    /** The superuser's password: the embedded servers trust local logins, so it is never checked. */
    static final String PASSWORD = "trusted";

    /** Prepared-transaction slots per server: more than the connections any run opens. */
    static final int MAX_PREPARED_TRANSACTIONS = 120;

    /** The settings that make a returned commit durable; each must read {@code on}. */
    private static final List<String> DURABLE_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes");

    private final List<EmbeddedPostgres> servers;
    private final Endpoint a;
    private final Endpoint b;
    private final String durability;

    private TransferDatabases(List<EmbeddedPostgres> servers, Endpoint a, Endpoint b) throws SQLException {
        this.servers = servers;
        this.a = a;
        this.b = b;
        this.durability = checkDurable(a);
        String other = checkDurable(b);
        if (!other.equals(durability)) {
            throw new SQLException(
                    "the two bank servers differ in their durability settings: " + durability + " against " + other);
        }
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
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
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

    /**
     * Reads the server's durability settings back and refuses a server that would acknowledge a
     * commit it has not forced; returns them as the report prints them, with {@code wal_sync_method}.
     */
    private static String checkDurable(Endpoint db) throws SQLException {
        List<String> shown = new ArrayList<>();
        int durable = 0;
        try (Connection c = connect(db);
                Statement s = c.createStatement();
                ResultSet settings = s.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN"
                        + " ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method') ORDER BY name")) {
            while (settings.next()) {
                String name = settings.getString(1);
                String value = settings.getString(2);
                if (DURABLE_SETTINGS.contains(name)) {
                    if (!"on".equals(value)) {
                        throw new SQLException("the embedded PostgreSQL server runs with " + name + " = " + value
                                + ", not on: its commits would not be durable");
                    }
                    durable++;
                }
                shown.add(name + "=" + value);
            }
        }
        if (durable != DURABLE_SETTINGS.size()) {
            throw new SQLException("the embedded PostgreSQL server did not show all of " + DURABLE_SETTINGS);
        }
        return String.join(", ", shown);
    }

    /** The servers' durability settings as read back after start, e.g. {@code fsync=on, ...}. */
    public String durability() {
        return durability;
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
