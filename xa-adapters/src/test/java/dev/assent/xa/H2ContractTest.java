package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.internal.RecoveryResource;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.DatabaseTarget;
import dev.assent.xa.profile.H2Profile;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.ChildJvm;
import dev.assent.xa.support.CrashingTransfer;
import dev.assent.xa.support.Managers;
import dev.assent.xa.support.Poll;
import dev.assent.xa.support.RollbackGate;
import dev.assent.xa.support.TestDatabase;
import dev.assent.xa.support.VoteRecorder;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The contract against H2 file databases in this JVM (the crash tests run a child JVM), plus H2's own quirks. */
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

    /**
     * Scenario: recovery rolls back two prepared branches of one H2 database on its one connection.
     *
     * <p>Resources: H2 database A. Fault: a child JVM prepares two branches on A (each opening an
     * account) and dies. H2's XA connection rolls a prepared branch back only while its "prepared"
     * flag is up: the scan's recover() raises it, the first rollback lowers it, and a second
     * rollback would return normally having done nothing. Expected: after one scan and a rollback
     * of each listed branch, neither is listed in INFORMATION_SCHEMA.IN_DOUBT and neither account
     * exists.
     */
    @Test
    @Tag("database")
    void recoveryRollsBackEveryPreparedBranchOnItsOneConnection() throws Exception {
        ChildJvm.Outcome child = ChildJvm.run(temp, PrepareAndHalt.class, List.of(a.url(), a.user(), "2", "3"));
        assertThat(child.exitCode()).as(child.output()).isEqualTo(CrashingTransfer.CRASHED);
        assertThat(preparedBranches(a)).as("left prepared by the crash").hasSize(2);

        RecoveryResource recovery = keep(new RecoveryResource(
                new DatabaseTarget("bank-a", a.url(), a.user(), 1), profile(), () -> xaConnection(a)));
        Xid[] listed = recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertThat(listed).hasSize(2);
        for (Xid each : listed) {
            recovery.rollback(each);
        }

        assertThat(preparedBranches(a))
                .as("both rolled back, not only the first")
                .isEmpty();
        assertThat(Bank.balance(a, 2)).isEqualTo(-1);
        assertThat(Bank.balance(a, 3)).isEqualTo(-1);
        assertThat(recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .isEmpty();
    }

    /** The child of the recovery scenario: prepares one branch per account id given, then halts. */
    static final class PrepareAndHalt {
        private PrepareAndHalt() {}

        public static void main(String[] args) throws Exception {
            JdbcDataSource source = new JdbcDataSource();
            source.setURL(args[0]);
            source.setUser(args[1]);
            source.setPassword("");
            List<XAConnection> prepared = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                int id = Integer.parseInt(args[i]);
                XAConnection connection = source.getXAConnection();
                prepared.add(connection);
                Connection handle = connection.getConnection();
                XAResource resource = connection.getXAResource();
                Xid xid = new TestXid(id, 1);
                resource.start(xid, XAResource.TMNOFLAGS);
                Bank.open(handle, id, 50);
                resource.end(xid, XAResource.TMSUCCESS);
                resource.prepare(xid);
            }
            System.out.println("prepared " + prepared.size() + " branches; halting");
            System.out.flush();
            Runtime.getRuntime().halt(CrashingTransfer.CRASHED);
        }
    }

    /**
     * Scenario: the application asks for its connection again inside the transaction.
     *
     * <p>Resources: H2 database A. Fault: none from outside; H2's XA connection rolls back and
     * turns auto-commit on when asked for a new handle after start(). Expected: every handle the
     * application gets is the same branch, not in auto-commit, sees the work before it, and a
     * rollback leaves none of the three accounts opened through them.
     */
    @Test
    void askingForTheConnectionAgainNeitherLosesNorAutoCommitsTheBranch() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.begin();
        try (Connection first = bankA.getConnection()) {
            Bank.open(first, 2, 5);
        }
        try (Connection second = bankA.getConnection()) {
            assertThat(second.getAutoCommit()).isFalse();
            assertThat(Bank.balance(second, 2))
                    .as("the work before is still there")
                    .isEqualTo(5);
            Bank.open(second, 3, 5);
        }
        Transaction suspended = tm.suspend();
        tm.resume(suspended);
        try (Connection third = bankA.getConnection()) {
            assertThat(third.getAutoCommit()).isFalse();
            Bank.open(third, 4, 5);
        }
        tm.rollback();

        assertThat(Bank.balance(a, 2)).isEqualTo(-1);
        assertThat(Bank.balance(a, 3)).isEqualTo(-1);
        assertThat(Bank.balance(a, 4)).isEqualTo(-1);
    }

    /**
     * Scenario: the reaper rolls back a transaction whose connection the application still holds.
     *
     * <p>Resources: H2 database A, and a second participant whose rollback waits at a gate, so
     * that the test looks at A after its rollback and before the transaction completes. Fault: the
     * transaction times out after the application opened account 2 and prepared a statement.
     * Closing H2's handle would roll back and then turn auto-commit on, for a session that stays
     * open until the pool destroys the connection at completion. Expected: A's rollback closes the
     * session itself, the statement prepared before the timeout fails instead of committing on its
     * own, and account 2 does not exist.
     */
    @Test
    void aTimedOutBranchClosesItsSessionInsteadOfLeavingItInAutoCommit() throws Exception {
        VoteRecorder events = new VoteRecorder();
        AssentTransactionManager tm = manager(events);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        RollbackGate gate = new RollbackGate();

        tm.setTransactionTimeout(1);
        tm.begin();
        Connection held = bankA.getConnection();
        String session = Bank.sessionId(held, a.kind());
        Bank.open(held, 2, 5);
        PreparedStatement insert = held.prepareStatement("INSERT INTO accounts (id, balance) VALUES (3, 5)");
        tm.getTransaction().enlistResource(gate);
        try {
            assertThat(gate.awaitRollback(5_000))
                    .as("the reaper is rolling back")
                    .isTrue();

            assertThat(strings(a, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = " + session))
                    .as("A's session is closed by its rollback, not left open in auto-commit")
                    .containsExactly("0");
            assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class);
        } finally {
            gate.open();
        }
        assertThat(events.awaitTimeout(5_000)).isTrue();
        awaitNoActiveConnection(bankA);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        held.close();
        assertThat(Bank.balance(a, 2)).isEqualTo(-1);
        assertThat(Bank.balance(a, 3)).isEqualTo(-1);
    }

    /**
     * Scenario: a DataSource pointed at an H2 server (TCP mode).
     *
     * <p>Resources: H2 database A served by an H2 TCP server in this JVM. Fault: H2's XA support
     * does not work through a server (rolled-back branches stay listed as prepared). Expected:
     * build() refuses in one sentence that says to use embedded file mode.
     */
    @Test
    void refusesServerModeInOneSentence() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifExists")
                .start();
        try {
            String url = "jdbc:h2:" + server.getURL() + "/" + a.url().substring("jdbc:h2:file:".length());
            AssentTransactionManager tm = manager();

            assertThatThrownBy(() -> CrashingTransfer.builder(tm, a.at(url))
                            .name("bank-a")
                            .build())
                    .isInstanceOf(DatabaseNotReadyException.class)
                    .satisfies(e -> assertOneSentence(e.getMessage()))
                    .hasMessageContaining("server (TCP) mode")
                    .hasMessageContaining("embedded mode");
        } finally {
            server.stop();
        }
    }

    /**
     * Scenario: the process dies right after a one-phase commit returned.
     *
     * <p>Resources: H2 database A opened with {@code WRITE_DELAY=0}. Fault: a child JVM commits
     * one branch in one phase (adds 5 to account 1) and halts as soon as commit() returns.
     * Expected: the commit is in the file: account 1 holds 105 after the crash. (With H2's default
     * write delay a background thread writes it up to 500 ms later, and a crash within that time
     * loses it; the profile warns about a positive delay at start.)
     */
    @Test
    @Tag("database")
    void aOnePhaseCommitThatReturnedSurvivesAProcessCrashWithWriteDelayZero() throws Exception {
        TestDatabase immediate = a.at(a.url() + ";WRITE_DELAY=0");

        ChildJvm.Outcome child = ChildJvm.run(temp, CommitAndHalt.class, List.of(immediate.url(), immediate.user()));

        assertThat(child.exitCode()).as(child.output()).isEqualTo(CrashingTransfer.CRASHED);
        assertThat(Bank.balance(a, 1)).isEqualTo(105);
    }

    /** The child of the durability scenario: one transaction adding 5 to account 1, then a halt. */
    static final class CommitAndHalt {
        private CommitAndHalt() {}

        public static void main(String[] args) throws Exception {
            TestDatabase db = new TestDatabase("h2", args[0], args[1], "", args[1], "");
            AssentTransactionManager tm = Managers.inMemory("durability");
            AssentDataSource bank =
                    CrashingTransfer.builder(tm, db).name("bank").build();
            tm.begin();
            try (Connection connection = bank.getConnection()) {
                Bank.add(connection, 5);
            }
            tm.commit();
            Runtime.getRuntime().halt(CrashingTransfer.CRASHED);
        }
    }

    /**
     * Scenario: a deadlock inside an H2 branch, caught by the application.
     *
     * <p>Resources: A and B, and an older plain session on A holding account 2. Fault: the branch
     * debits account 1 of A; the older session waits for account 1; the branch then asks for
     * account 2. H2 picks the youngest transaction, the branch, as the victim and rolls its whole
     * transaction back (not only the statement); the application catches the SQLException,
     * credits B and commits. Expected: the branch cannot vote yes for work that is gone, so
     * commit() throws RollbackException; neither balance changed, nothing is left prepared.
     */
    @Test
    void aDeadlockCaughtByTheApplicationRollsTheTransactionBack() throws Exception {
        a.execute("INSERT INTO accounts (id, balance) VALUES (2, 0)");
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection older = a.admin();
                Statement statement = older.createStatement()) {
            older.setAutoCommit(false);
            statement.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 2");

            tm.begin();
            try (Connection fromA = bankA.getConnection();
                    Connection toB = bankB.getConnection()) {
                Bank.add(fromA, -10);
                Future<Integer> waiting =
                        other.submit(() -> statement.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1"));
                awaitBlockedSession(a);
                assertThatThrownBy(() -> fromA.createStatement()
                                .executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 2"))
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getErrorCode())
                        .as("deadlock, the branch chosen as victim")
                        .isEqualTo(40001);
                assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                older.rollback();
                Bank.add(toB, 10);
            }
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        } finally {
            other.shutdownNow();
        }

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(Bank.balance(b, 1)).isEqualTo(100);
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
    }

    private static void awaitBlockedSession(TestDatabase db) throws Exception {
        Poll.until(
                Duration.ofSeconds(10),
                () -> !strings(db, "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL")
                        .isEmpty());
    }
}
