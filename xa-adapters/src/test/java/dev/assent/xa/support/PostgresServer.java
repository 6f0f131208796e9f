package dev.assent.xa.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;

/**
 * A real PostgreSQL 17 server (zonky embedded binaries) on a free port, started once and shared
 * by the test classes of a run; each class works in databases of its own.
 */
public final class PostgresServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final long startMillis;

    private PostgresServer(EmbeddedPostgres postgres, long startMillis) {
        this.postgres = postgres;
        this.startMillis = startMillis;
    }

    /** Starts a server that can prepare transactions ({@code maxPreparedTransactions} slots; 0 cannot). */
    public static PostgresServer start(int maxPreparedTransactions) {
        long start = System.nanoTime();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            return new PostgresServer(postgres, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    /** How long the server took to start, for the test report. */
    public long startMillis() {
        return startMillis;
    }

    public int port() {
        return postgres.getPort();
    }

    /** Creates (or re-creates) an empty database, reached as the superuser {@code postgres}. */
    public TestDatabase createDatabase(String name) {
        String database = name.toLowerCase(Locale.ROOT).replace('-', '_');
        TestDatabase server = database("postgres");
        try {
            server.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", "CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
        return database(database);
    }

    private TestDatabase database(String database) {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
        return new TestDatabase("postgres", url, "postgres", "", "postgres", "");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
