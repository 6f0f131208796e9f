package dev.assent.xa.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database on a test server: how the DataSource under test logs in ({@code url}, {@code
 * user}, {@code password}) and how the test itself looks behind its back ({@link #admin()}, a
 * plain JDBC connection with every privilege).
 *
 * @param kind "postgres", "mariadb" or "h2": which {@code AssentDataSources} factory to use
 */
public record TestDatabase(
        String kind, String url, String user, String password, String adminUser, String adminPassword) {

    /** A plain auto-commit connection with every privilege. */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(url, adminUser, adminPassword);
    }

    /** Runs statements as the administrator, each committed on its own. */
    public void execute(String... sql) throws SQLException {
        try (Connection connection = admin();
                Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    /** The same database reached as another user. */
    public TestDatabase as(String otherUser, String otherPassword) {
        return new TestDatabase(kind, url, otherUser, otherPassword, adminUser, adminPassword);
    }

    /** The same login against another URL (an unreachable port, a missing database). */
    public TestDatabase at(String otherUrl) {
        return new TestDatabase(kind, otherUrl, user, password, adminUser, adminPassword);
    }

    @Override
    public String toString() {
        return kind + " " + url;
    }
}
