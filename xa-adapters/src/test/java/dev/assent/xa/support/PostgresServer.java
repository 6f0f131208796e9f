package dev.assent.xa.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 17 server (zonky embedded binaries) on a free port, started once and shared
 * by the test classes of a run; each class works in databases of its own.
 *
 * <p>A server made by {@link #startRestartable} can be stopped and started again on the same data
 * directory and port ({@link #stop()}, {@link #startAgain()}), so that prepared transactions must
 * survive the restart; it stops with a fast shutdown.
 *
 * <p>Every server runs with PostgreSQL's durable defaults ({@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} on), checked after start: zonky's builder turns the first two off
 * unless told otherwise (it starts the server with {@code -F}, which is {@code fsync = off}), and a
 * test of prepared transactions surviving a crash must not pass only because nothing was forced.
 */
public final class PostgresServer implements AutoCloseable {
    // Replaced by startAgain() on the test's thread; read by any thread of the test.
    private volatile EmbeddedPostgres postgres;
    private final long startMillis;
    private final EmbeddedPostgres.Builder restartable;
    private final Path dataDirectory;
    private final int port;

    private PostgresServer(
            EmbeddedPostgres postgres, long startMillis, EmbeddedPostgres.Builder restartable, Path dataDirectory) {
        this.postgres = postgres;
        this.startMillis = startMillis;
        this.restartable = restartable;
        this.dataDirectory = dataDirectory;
        this.port = postgres.getPort();
    }

    /** Starts a server that can prepare transactions ({@code maxPreparedTransactions} slots; 0 cannot). */
    public static PostgresServer start(int maxPreparedTransactions) {
        long start = System.nanoTime();
        try {
            EmbeddedPostgres postgres = durable(EmbeddedPostgres.builder())
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                    .setServerConfig("max_connections", "100")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            PostgresServer server = new PostgresServer(postgres, (System.nanoTime() - start) / 1_000_000, null, null);
            server.checkDurable();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    /**
     * Starts a server of the caller's own (not shared) whose data lives in {@code dataDirectory},
     * which {@link #close()} deletes.
     */
    public static PostgresServer startRestartable(int maxPreparedTransactions, Path dataDirectory) {
        long start = System.nanoTime();
        try {
            EmbeddedPostgres.Builder builder = durable(EmbeddedPostgres.builder())
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_prepared_transactions", Integer.toString(maxPreparedTransactions))
                    .setServerConfig("max_connections", "50")
                    .setPGStartupWait(Duration.ofSeconds(60));
            EmbeddedPostgres postgres = builder.start();
            builder.setPort(postgres.getPort());
            PostgresServer server =
                    new PostgresServer(postgres, (System.nanoTime() - start) / 1_000_000, builder, dataDirectory);
            server.checkDurable();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    private static EmbeddedPostgres.Builder durable(EmbeddedPostgres.Builder builder) {
        return builder.setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
    }

    private void checkDurable() throws IOException {
        try (Connection connection = database("postgres").admin();
                Statement statement = connection.createStatement();
                ResultSet settings = statement.executeQuery("SELECT name, setting FROM pg_settings"
                        + " WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")) {
            List<String> off = new ArrayList<>();
            int shown = 0;
            while (settings.next()) {
                shown++;
                if (!"on".equals(settings.getString(2))) {
                    off.add(settings.getString(1) + " = " + settings.getString(2));
                }
            }
            if (shown != 3) {
                off.add("only " + shown + " of fsync, synchronous_commit, full_page_writes shown");
            }
            if (!off.isEmpty()) {
                postgres.close();
                throw new IllegalStateException(
                        "the embedded PostgreSQL server runs with " + String.join(", ", off) + ", not on");
            }
        } catch (SQLException e) {
            postgres.close();
            throw new IllegalStateException("cannot read the embedded PostgreSQL server's settings", e);
        }
    }

    /** Shuts the server down (fast shutdown: sessions are ended, prepared transactions stay on disk). */
    public void stop() throws IOException {
        requireRestartable();
        postgres.close();
    }

    /**
     * Crashes the server: an immediate shutdown (SIGQUIT to the postmaster), which ends every
     * process at once without a checkpoint, so the next start replays the write-ahead log.
     */
    public void crash() throws IOException, InterruptedException {
        requireRestartable();
        String pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                .get(0)
                .trim();
        Process kill = new ProcessBuilder("kill", "-QUIT", pid).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -QUIT " + pid + " failed");
        }
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (postmaster != null && postmaster.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the postmaster " + pid + " outlived its immediate shutdown");
            }
            Thread.sleep(20);
        }
        postgres.close(); // finds no server to stop; releases the data directory's lock
    }

    /** Starts the server again on the same data directory and port. */
    public void startAgain() throws IOException {
        requireRestartable();
        postgres = restartable.start();
    }

    private void requireRestartable() {
        if (restartable == null) {
            throw new IllegalStateException("the shared server cannot be restarted; use startRestartable");
        }
    }

    /** How long the server took to start, for the test report. */
    public long startMillis() {
        return startMillis;
    }

    public int port() {
        return port;
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
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        return new TestDatabase("postgres", url, "postgres", "", "postgres", "");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        if (dataDirectory != null) {
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
