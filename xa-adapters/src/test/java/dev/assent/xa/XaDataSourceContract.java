package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.internal.BranchProbe;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.ChildJvm;
import dev.assent.xa.support.CrashingTransfer;
import dev.assent.xa.support.CrashingTransfer.CrashPoint;
import dev.assent.xa.support.Managers;
import dev.assent.xa.support.NoVoter;
import dev.assent.xa.support.TestDatabase;
import dev.assent.xa.support.VoteRecorder;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every pooled XA DataSource must do, run against a real server of each database. Each
 * subclass starts (or borrows) its server once and hands over two databases of it, A and B,
 * each holding account 1 with a balance of 100 at the start of every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class XaDataSourceContract {
    private static final AtomicInteger NODES = new AtomicInteger();

    protected TestDatabase a;
    protected TestDatabase b;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @TempDir
    Path temp;

    /** The branches prepared in {@code db} and not yet finished (server-wide where the server cannot tell databases apart). */
    protected abstract List<String> preparedBranches(TestDatabase db) throws SQLException;

    /** Sessions of {@code db} other than the caller's that have a transaction open. */
    protected abstract long sessionsInTransaction(TestDatabase db) throws SQLException;

    /** How a branch that only read votes. */
    protected abstract Vote readOnlyVote();

    /** The database's profile, for the XA-level probes. */
    protected abstract DatabaseProfile profile();

    /** A bare driver XA connection to {@code db}, as the application user. */
    protected abstract XAConnection xaConnection(TestDatabase db) throws SQLException;

    /** What the bare driver answers to end(TMSUSPEND): an XA error code, or 0 when it accepts it. */
    protected abstract int driverAnswerToSuspend();

    /** A statement that keeps the server busy for {@code seconds}; null when the database has none. */
    protected abstract String sleepSql(int seconds);

    /**
     * True when a statement that fails inside a branch throws away the branch's whole work
     * (PostgreSQL); false when it undoes only itself and the branch goes on (H2, MariaDB).
     */
    protected abstract boolean failedStatementAbortsTheBranch();

    /** {@code a} with a login the server refuses. */
    protected abstract TestDatabase withWrongLogin();

    /** {@code a} at an address where no server listens. */
    protected abstract TestDatabase unreachable();

    @BeforeEach
    void openAccounts() throws SQLException {
        Bank.reset(a, 100);
        Bank.reset(b, 100);
    }

    @AfterEach
    void closeEverything() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable each : opened) {
            each.close();
        }
        opened.clear();
    }

    protected AssentTransactionManager manager(TransactionListener... listeners) {
        return keep(Managers.inMemory(nodeId(), listeners));
    }

    protected AssentDataSource dataSource(AssentTransactionManager tm, TestDatabase db, String name) {
        return dataSource(tm, db, name, UnaryOperator.identity());
    }

    protected AssentDataSource dataSource(
            AssentTransactionManager tm, TestDatabase db, String name, UnaryOperator<DataSourceBuilder> settings) {
        return keep(settings.apply(CrashingTransfer.builder(tm, db).name(name).maxPoolSize(4))
                .build());
    }

    protected <T extends AutoCloseable> T keep(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private static String nodeId() {
        return "node-" + NODES.incrementAndGet();
    }

    @Test
    void commitsOneDatabaseInOnePhase() throws Exception {
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = manager(votes);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.begin();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, 5);
        }
        tm.commit();

        assertThat(Bank.balance(a, 1)).isEqualTo(105);
        assertThat(votes.votes)
                .as("one branch commits in one phase, without prepare")
                .isEmpty();
        assertThat(bankA.status().active()).isZero();
    }

    @Test
    void rollsBack() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.begin();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, 5);
        }
        tm.rollback();

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(bankA.status().active()).isZero();
        assertThat(bankA.status().available())
                .as("the connection went back to the pool")
                .isEqualTo(1);
    }

    @Test
    void commitsTwoDatabasesInTwoPhases() throws Exception {
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = manager(votes);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");

        tm.begin();
        try (Connection fromA = bankA.getConnection();
                Connection toB = bankB.getConnection()) {
            Bank.add(fromA, -10);
            Bank.add(toB, 10);
        }
        tm.commit();

        assertThat(Bank.balance(a, 1) + Bank.balance(b, 1)).isEqualTo(200);
        assertThat(Bank.balance(b, 1)).isEqualTo(110);
        assertThat(votes.votes).containsExactly(Vote.YES, Vote.YES);
        assertThat(votes.enlisted).containsExactly("bank-a", "bank-b");
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
        assertThat(bankA.status().active() + bankB.status().active()).isZero();
    }

    @Test
    void rollsEveryBranchBackWhenAnotherParticipantVotesNo() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        NoVoter second = new NoVoter();

        tm.begin();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, -10);
        }
        tm.getTransaction().enlistResource(second);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(preparedBranches(a)).as("A was prepared, then rolled back").isEmpty();
        assertThat(bankA.status().active()).isZero();
        tm.begin();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, 1);
        }
        tm.commit();
        assertThat(Bank.balance(a, 1)).as("the pool still works").isEqualTo(101);
    }

    /**
     * Scenario: a failed statement caught by the application.
     *
     * <p>Resources: A and B. Fault: inside the transaction the application debits A, runs an
     * INSERT on A that fails (duplicate key) and catches the SQLException, credits B and commits.
     * Expected: where the failure threw away A's whole branch (PostgreSQL), A votes rollback, so
     * commit() throws RollbackException and neither balance changed; where it undid only the
     * statement (H2, MariaDB), the debit and the credit both commit. Nothing is left prepared.
     */
    @Test
    void aFailedStatementCaughtByTheApplicationMakesTheBranchVoteAsTheDatabaseDecided() throws Exception {
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = manager(votes);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");

        tm.begin();
        try (Connection fromA = bankA.getConnection();
                Connection toB = bankB.getConnection()) {
            Bank.add(fromA, -10);
            assertThatThrownBy(() -> Bank.open(fromA, 1, 0))
                    .as("account 1 exists: duplicate key")
                    .isInstanceOf(SQLException.class);
            Bank.add(toB, 10);
        }

        if (failedStatementAbortsTheBranch()) {
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
            assertThat(Bank.balance(a, 1)).isEqualTo(100);
            assertThat(Bank.balance(b, 1)).as("B is not credited either").isEqualTo(100);
        } else {
            tm.commit();
            assertThat(Bank.balance(a, 1)).isEqualTo(90);
            assertThat(Bank.balance(b, 1)).isEqualTo(110);
        }
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
        assertThat(bankA.status().active() + bankB.status().active()).isZero();
        assertThat(tm.recover().isComplete()).as("nothing owed, no heuristic").isTrue();
    }

    /**
     * Scenario: the same failed statement in a transaction with one branch.
     *
     * <p>Resources: A alone (one-phase commit). Fault: the application debits A, runs an INSERT
     * that fails (duplicate key), catches the SQLException and commits. Expected: where the branch
     * was thrown away (PostgreSQL), commit() throws RollbackException instead of returning as if
     * the debit had been applied; elsewhere the debit commits. The connection is usable afterwards.
     */
    @Test
    void aFailedStatementInAOnePhaseBranchIsReportedAsTheDatabaseDecided() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a", s -> s.maxPoolSize(1));

        tm.begin();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, -10);
            assertThatThrownBy(() -> Bank.open(connection, 1, 0)).isInstanceOf(SQLException.class);
        }

        if (failedStatementAbortsTheBranch()) {
            assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
            assertThat(Bank.balance(a, 1)).isEqualTo(100);
        } else {
            tm.commit();
            assertThat(Bank.balance(a, 1)).isEqualTo(90);
        }
        long before = Bank.balance(a, 1);
        tm.begin();
        try (Connection again = bankA.getConnection()) {
            Bank.add(again, 1);
        }
        tm.commit();
        assertThat(Bank.balance(a, 1)).as("the only connection works again").isEqualTo(before + 1);
    }

    @Test
    void readOnlyBranchesVoteAsTheDatabaseCanAndLeaveNothingPrepared() throws Exception {
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = manager(votes);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");

        tm.begin();
        try (Connection readA = bankA.getConnection();
                Connection readB = bankB.getConnection()) {
            assertThat(Bank.count(readA) + Bank.count(readB)).isEqualTo(2);
        }
        tm.commit();

        assertThat(votes.votes).containsExactly(readOnlyVote(), readOnlyVote());
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
        assertThat(bankA.status().active() + bankB.status().active()).isZero();
    }

    @Test
    void suspendedTransactionKeepsItsConnectionWhileOtherWorkUsesOthers() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.begin();
        String first;
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, 1);
            first = Bank.sessionId(connection, a.kind());
        }
        Transaction suspended = tm.suspend();

        try (Connection outside = bankA.getConnection()) {
            assertThat(outside.getAutoCommit()).as("outside a transaction").isTrue();
            assertThat(Bank.sessionId(outside, a.kind())).isNotEqualTo(first);
            Bank.open(outside, 2, 0);
        }
        tm.begin();
        try (Connection other = bankA.getConnection()) {
            assertThat(Bank.sessionId(other, a.kind())).isNotEqualTo(first);
            Bank.open(other, 3, 0);
        }
        tm.commit();

        tm.resume(suspended);
        try (Connection again = bankA.getConnection()) {
            assertThat(Bank.sessionId(again, a.kind()))
                    .as("the transaction's own connection")
                    .isEqualTo(first);
            Bank.add(again, 1);
        }
        tm.commit();

        assertThat(Bank.balance(a, 1)).isEqualTo(102);
        assertThat(Bank.balance(a, 2)).isZero();
        assertThat(Bank.balance(a, 3)).isZero();
        assertThat(bankA.status().active()).isZero();
    }

    @Test
    void delistingWithSuspendAndResumingWorksWhateverTheDriverSupports() throws Exception {
        AssentTransactionManager tm = manager();
        XAConnection raw = xaConnection(a);
        try {
            assertThat(driverAnswer(raw))
                    .as("the bare driver's answer to TMSUSPEND")
                    .isEqualTo(driverAnswerToSuspend());
        } finally {
            raw.close();
        }
        XAConnection connection = xaConnection(a);
        try {
            BranchProbe.Probe probe = BranchProbe.around("bank-a", connection, profile());
            Connection handle = (Connection) probe.calls().getConnection();

            tm.begin();
            Transaction tx = tm.getTransaction();
            tx.enlistResource(probe.branch());
            Bank.add(handle, 1);
            assertThat(tx.delistResource(probe.branch(), XAResource.TMSUSPEND)).isTrue();
            tx.enlistResource(probe.branch()); // TMRESUME
            Bank.add(handle, 1);
            tm.commit();

            assertThat(Bank.balance(a, 1)).isEqualTo(102);
            assertThat(probe.calls().calls).doesNotContain("setFlushOnly");
        } finally {
            connection.close();
        }
    }

    private static int driverAnswer(XAConnection raw) throws XAException, SQLException {
        XAResource driver = raw.getXAResource();
        javax.transaction.xa.Xid xid = new TestXid(7, 1);
        driver.start(xid, XAResource.TMNOFLAGS);
        int answer = 0;
        try {
            driver.end(xid, XAResource.TMSUSPEND);
        } catch (XAException e) {
            answer = e.errorCode;
        }
        try {
            driver.end(xid, XAResource.TMSUCCESS);
        } catch (XAException e) {
            // already ended by an accepted suspend
        }
        driver.rollback(xid);
        return answer;
    }

    @Test
    void timeoutRollsBackAndNeitherLeaksNorAutoCommitsTheConnection() throws Exception {
        VoteRecorder events = new VoteRecorder();
        AssentTransactionManager tm = manager(events);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.setTransactionTimeout(1);
        tm.begin();
        Connection held = bankA.getConnection();
        Bank.add(held, 7);
        assertThat(events.awaitTimeout(5_000))
                .as("the reaper rolled the transaction back")
                .isTrue();
        awaitNoActiveConnection(bankA);

        assertThatThrownBy(() -> Bank.add(held, 1))
                .as("the connection the application still holds is dead, not auto-committing")
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(bankA::getConnection)
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("40000");
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        held.close();

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(sessionsInTransaction(a))
                .as("no session left inside a transaction")
                .isZero();
        assertThat(bankA.status().active()).isZero();
        try (Connection after = bankA.getConnection()) {
            assertThat(after.getAutoCommit()).isTrue();
            Bank.add(after, 1);
        }
        assertThat(Bank.balance(a, 1)).as("the pool serves again").isEqualTo(101);
    }

    @Test
    void timeoutStopsAStatementThatIsStillRunning() throws Exception {
        String sleep = sleepSql(20);
        org.junit.jupiter.api.Assumptions.assumeTrue(sleep != null, "the database has no sleep statement");
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.setTransactionTimeout(1);
        tm.begin();
        long start = System.nanoTime();
        try (Connection connection = bankA.getConnection()) {
            Bank.add(connection, 7);
            assertThatThrownBy(() -> connection.createStatement().execute(sleep))
                    .isInstanceOf(SQLException.class);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(seconds)
                .as("the statement ended with the timeout, not after 20 s")
                .isLessThan(10);
        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        awaitNoActiveConnection(bankA);
        awaitNoSessionInTransaction(a);
    }

    @Test
    void oneTransactionGetsOnePhysicalConnectionHoweverOftenItAsks() throws Exception {
        VoteRecorder events = new VoteRecorder();
        AssentTransactionManager tm = manager(events);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");

        tm.begin();
        String session;
        try (Connection first = bankA.getConnection();
                Connection second = bankA.getConnection()) {
            session = Bank.sessionId(first, a.kind());
            assertThat(Bank.sessionId(second, a.kind())).isEqualTo(session);
            Bank.add(first, 1);
            Bank.add(second, 1);
        }
        try (Connection third = bankA.getConnection()) {
            assertThat(Bank.sessionId(third, a.kind())).isEqualTo(session);
            assertThat(Bank.balance(third, 1))
                    .as("sees its own transaction's work")
                    .isEqualTo(102);
        }
        assertThat(bankA.status().active())
                .as("held by the transaction until it completes")
                .isEqualTo(1);
        tm.commit();

        assertThat(events.enlisted).containsExactly("bank-a");
        assertThat(Bank.balance(a, 1)).isEqualTo(102);
        assertThat(bankA.status().active()).isZero();
    }

    @Test
    void exhaustedPoolFailsClearlyAfterTheAcquisitionTimeout() throws Exception {
        AssentTransactionManager tm = manager();
        AssentDataSource bankA =
                dataSource(tm, a, "bank-a", s -> s.maxPoolSize(2).acquisitionTimeout(Duration.ofMillis(300)));

        Connection first = bankA.getConnection();
        try (Connection second = bankA.getConnection()) {
            assertThat(second.isValid(1)).isTrue();
            long start = System.nanoTime();
            assertThatThrownBy(bankA::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("'bank-a' has no free connection")
                    .hasMessageContaining("maxPoolSize")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("HYT00");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            first.close();
            try (Connection third = bankA.getConnection()) {
                assertThat(third.isValid(1)).isTrue();
            }
        } finally {
            first.close();
        }
    }

    @Test
    void refusesAWrongLoginInOneSentenceAndRegistersNothing() {
        AssentTransactionManager tm = manager();

        assertThatThrownBy(() -> CrashingTransfer.builder(tm, withWrongLogin())
                        .name("bank-a")
                        .build())
                .isInstanceOf(DatabaseNotReadyException.class)
                .satisfies(e -> assertOneSentence(e.getMessage()))
                .hasMessageContaining("'bank-a'")
                .hasMessageContaining("check the user and password");
        AssentDataSource fixed = dataSource(tm, a, "bank-a");
        assertThat(fixed.name()).as("the failed attempt did not take the name").isEqualTo("bank-a");
    }

    @Test
    void refusesAnUnreachableServerInOneSentence() {
        AssentTransactionManager tm = manager();

        assertThatThrownBy(() -> CrashingTransfer.builder(tm, unreachable())
                        .name("bank-a")
                        .loginTimeout(Duration.ofSeconds(2))
                        .build())
                .isInstanceOf(DatabaseNotReadyException.class)
                .satisfies(e -> assertOneSentence(e.getMessage()))
                .hasMessageContaining("'bank-a'");
    }

    @Test
    void refusesASecondDataSourceOfTheSameName() {
        AssentTransactionManager tm = manager();
        dataSource(tm, a, "bank-a");

        assertThatThrownBy(() -> CrashingTransfer.builder(tm, b).name("bank-a").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs its own name");
    }

    static void assertOneSentence(String message) {
        assertThat(message).doesNotContain("\n").endsWith(".");
        assertThat(message.substring(0, message.length() - 1)).doesNotContain(". ");
    }

    @Test
    @Tag("database")
    void crashAfterPrepareIsRolledBackByRecovery() throws Exception {
        crashAndRecover(CrashPoint.AFTER_PREPARE, 100, 100);
    }

    @Test
    @Tag("database")
    void crashAfterTheCommitDecisionIsCommittedByRecovery() throws Exception {
        crashAndRecover(CrashPoint.AFTER_DECISION, 90, 110);
    }

    /**
     * Scenario: a child JVM moves 10 from A to B and halts at {@code point}, the servers stay up;
     * a new transaction manager on the same log recovers. Expected: A and B as the log decided,
     * nothing left prepared, and the total unchanged.
     */
    private void crashAndRecover(CrashPoint point, long expectedA, long expectedB) throws Exception {
        String nodeId = nodeId();
        Path log = Files.createDirectories(temp.resolve("log-" + nodeId));
        List<String> args = new ArrayList<>(List.of(nodeId, log.toString(), point.name()));
        args.addAll(CrashingTransfer.describe(a, "bank-a"));
        args.addAll(CrashingTransfer.describe(b, "bank-b"));

        ChildJvm.Outcome child = ChildJvm.run(temp, CrashingTransfer.class, args);

        assertThat(child.exitCode()).as(child.output()).isEqualTo(CrashingTransfer.CRASHED);
        assertThat(preparedBranches(a)).as("left prepared by the crash").isNotEmpty();
        assertThat(preparedBranches(b)).as("left prepared by the crash").isNotEmpty();

        AssentTransactionManager tm = keep(Managers.durable(nodeId, log));
        dataSource(tm, a, "bank-a");
        dataSource(tm, b, "bank-b");
        tm.recover();

        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
        assertThat(Bank.balance(a, 1)).isEqualTo(expectedA);
        assertThat(Bank.balance(b, 1)).isEqualTo(expectedB);
        assertThat(tm.recover().isComplete()).as("nothing owed, no heuristic").isTrue();
    }

    /** The server ends a closed session's transaction asynchronously: wait (a little) for it. */
    protected void awaitNoSessionInTransaction(TestDatabase db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (sessionsInTransaction(db) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sessionsInTransaction(db))
                .as("sessions left inside a transaction")
                .isZero();
    }

    protected static void awaitNoActiveConnection(AssentDataSource source) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (source.status().active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(source.status().active()).as("connections in use").isZero();
    }
}
