package dev.assent.samples.transfer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * A PostgreSQL 17 server (zonky's embedded binaries) whose data directory lives under the sample's
 * data directory and survives the run, so that transactions a crashed run left prepared are still
 * there for the next one.
 */
final class EmbeddedPostgres17 implements EmbeddedServer {
    private static final String DATABASE = "bank";

    private final EmbeddedPostgres postgres;
    private final Endpoint endpoint;

    private EmbeddedPostgres17(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.endpoint = new Endpoint(
                Endpoint.Product.POSTGRES,
                "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
                "postgres",
                "");
    }

    /**
     * Starts the server with PostgreSQL's durable defaults: a commit or prepare that returned is
     * on disk. zonky's builder turns both off for speed (it starts the server with {@code -F},
     * which is {@code fsync = off}, and sets {@code synchronous_commit = off}); a sample that
     * halts itself and recovers must not run on that. Every connection may hold a prepared
     * transaction (a transfer prepares one per bank), so {@code max_prepared_transactions}
     * follows the connection limit.
     */
    static EmbeddedPostgres17 start(Path dataDirectory, int maxConnections, Path serverLog, PrintStream out)
            throws IOException, SQLException, RunRefused {
        Path directory = dataDirectory.toAbsolutePath();
        stopLeftover(directory, out);
        String connections = Integer.toString(Math.max(64, maxConnections));
        // initdb, pg_ctl and the server itself write to the log file, not through zonky's loggers.
        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(serverLog.toFile());
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setOutputRedirector(toLog)
                .setErrorRedirector(toLog)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_prepared_transactions", connections)
                .setServerConfig("max_connections", connections)
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try {
            String serverUrl = postgres.getJdbcUrl("postgres", "postgres");
            checkDurable(serverUrl);
            createDatabase(serverUrl);
            return new EmbeddedPostgres17(postgres);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /**
     * Stops the server a killed run left on {@code directory} (its postmaster.pid names it); it
     * would keep the directory locked, and the new server would wait a minute and fail.
     */
    private static void stopLeftover(Path directory, PrintStream out) throws IOException, RunRefused {
        OptionalLong stopped = LeftoverServer.stopIfRunning(
                LeftoverServer.Kind.POSTGRES, directory.resolve("postmaster.pid"), directory);
        if (stopped.isPresent()) {
            out.printf(
                    Locale.ROOT,
                    "  stopped the PostgreSQL server an earlier run left running in %s (pid %d)%n",
                    directory,
                    stopped.getAsLong());
        }
    }

    /** Refuses to run on a server that would acknowledge a commit it has not written to disk. */
    private static void checkDurable(String serverUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(serverUrl, login());
                Statement statement = connection.createStatement();
                ResultSet settings = statement.executeQuery("SELECT name, setting FROM pg_settings"
                        + " WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")) {
            int checked = 0;
            while (settings.next()) {
                checked++;
                if (!"on".equals(settings.getString(2))) {
                    throw new SQLException("the embedded PostgreSQL server runs with " + settings.getString(1) + " = "
                            + settings.getString(2) + ", not on: commits would not be durable");
                }
            }
            if (checked != 3) {
                throw new SQLException("the embedded PostgreSQL server did not show its durability settings");
            }
        }
    }

    private static Properties login() {
        // The embedded server trusts local connections: a user name and no password.
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        return login;
    }

    private static void createDatabase(String serverUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(serverUrl, login());
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public String durability() {
        return "durable: fsync and synchronous_commit on"; // checked at start
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
