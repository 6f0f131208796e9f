package dev.assent.samples.transfer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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

    static EmbeddedPostgres17 start(Path dataDirectory, int maxConnections) throws IOException, SQLException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setServerConfig("max_prepared_transactions", "64")
                .setServerConfig("max_connections", Integer.toString(Math.max(20, maxConnections)))
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try {
            createDatabase(postgres.getJdbcUrl("postgres", "postgres"));
            return new EmbeddedPostgres17(postgres);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    private static void createDatabase(String serverUrl) throws SQLException {
        // The embedded server trusts local connections: a user name and no password.
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        try (Connection connection = DriverManager.getConnection(serverUrl, login);
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
    public void close() throws IOException {
        postgres.close();
    }
}
