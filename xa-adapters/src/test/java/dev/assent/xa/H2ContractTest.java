package dev.assent.xa;

import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.H2Profile;
import dev.assent.xa.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against H2 file databases in this JVM (the crash tests run a child JVM). */
class H2ContractTest extends XaDataSourceContract {
    private Path directory;

    @BeforeAll
    void createDatabases() throws Exception {
        directory = Files.createTempDirectory("assent-h2-");
        a = database("bank_a");
        b = database("bank_b");
    }

    @AfterAll
    void deleteDatabases() throws Exception {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }

    private TestDatabase database(String name) {
        return new TestDatabase("h2", "jdbc:h2:file:" + directory.resolve(name), "sa", "", "sa", "");
    }

    @Override
    protected List<String> preparedBranches(TestDatabase db) throws SQLException {
        return strings(db, "SELECT TRANSACTION_NAME FROM INFORMATION_SCHEMA.IN_DOUBT");
    }

    @Override
    protected long sessionsInTransaction(TestDatabase db) throws SQLException {
        return Long.parseLong(strings(
                        db,
                        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CONTAINS_UNCOMMITTED AND SESSION_ID <>"
                                + " SESSION_ID()")
                .get(0));
    }

    static List<String> strings(TestDatabase db, String sql) throws SQLException {
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    @Override
    protected Vote readOnlyVote() {
        return Vote.YES;
    }

    @Override
    protected DatabaseProfile profile() {
        return new H2Profile();
    }

    @Override
    protected XAConnection xaConnection(TestDatabase db) throws SQLException {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        return source.getXAConnection();
    }

    @Override
    protected int driverAnswerToSuspend() {
        return XAResource.XA_OK; // accepted (as a no-op)
    }

    @Override
    protected String sleepSql(int seconds) {
        return null;
    }

    @Override
    protected boolean failedStatementAbortsTheBranch() {
        return false; // only the statement is undone
    }

    @Override
    protected TestDatabase withWrongLogin() {
        return a.as("sa", "wrong");
    }

    @Override
    protected TestDatabase unreachable() {
        return a.at("jdbc:h2:file:/nonexistent-assent-dir/nowhere;IFEXISTS=TRUE");
    }
}
