package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.MariaDbProfile;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.MariaDbServer;
import dev.assent.xa.support.Poll;
import dev.assent.xa.support.Servers;
import dev.assent.xa.support.TestDatabase;
import jakarta.transaction.RollbackException;
import java.sql.Connection;
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
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mariadb.jdbc.MariaDbDataSource;

/** The contract against a real MariaDB 11.4 server, plus MariaDB's own quirks. */
@Tag("database")
@ExtendWith(Servers.class)
class MariaDbContractTest extends XaDataSourceContract {

    @BeforeAll
    void createDatabases(MariaDbServer server) {
        a = server.createDatabase("contract_a");
        b = server.createDatabase("contract_b");
    }

    /** XA RECOVER lists the whole server's branches: A and B are not told apart. */
    @Override
    protected List<String> preparedBranches(TestDatabase db) throws SQLException {
        return strings(db, "XA RECOVER", 4);
    }

    @Override
    protected long sessionsInTransaction(TestDatabase db) throws SQLException {
        return Long.parseLong(strings(
                        db,
                        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_mysql_thread_id <> CONNECTION_ID()",
                        1)
                .get(0));
    }

    static List<String> strings(TestDatabase db, String sql, int column) throws SQLException {
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(column));
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
        return new MariaDbProfile();
    }

    @Override
    protected XAConnection xaConnection(TestDatabase db) throws SQLException {
        MariaDbDataSource source = new MariaDbDataSource(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        return source.getXAConnection();
    }

    @Override
    protected int driverAnswerToSuspend() {
        return XAException.XAER_INVAL;
    }

    @Override
    protected String sleepSql(int seconds) {
        return "SELECT SLEEP(" + seconds + ")";
    }

    @Override
    protected boolean failedStatementAbortsTheBranch() {
        return false; // InnoDB undoes only the statement (a deadlock would undo the branch)
    }

    @Override
    protected TestDatabase withWrongLogin() {
        return a.as(MariaDbServer.APP_USER, "wrong");
    }

    @Override
    protected TestDatabase unreachable() {
        return a.at("jdbc:mariadb://127.0.0.1:1/contract_a");
    }

    /**
     * Scenario: a branch prepared by a session that is still open, then committed from another
     * session (as recovery would). Expected: the driver says XAER_NOTA, but the recovery resource
     * sees the branch still listed and answers XAER_RMFAIL (retry later), not "already finished".
     */
    @Test
    void recoveryDoesNotBelieveUnknownXidWhileTheBranchIsStillListed() throws Exception {
        XAConnection owner = xaConnection(a);
        Xid xid = new TestXid(11, 1);
        try {
            XAResource first = owner.getXAResource();
            first.start(xid, XAResource.TMNOFLAGS);
            Bank.add(owner.getConnection(), 5);
            first.end(xid, XAResource.TMSUCCESS);
            first.prepare(xid);

            XAConnection other = xaConnection(a);
            try {
                assertThatThrownBy(() -> other.getXAResource().commit(xid, false))
                        .as("the bare driver, from another session")
                        .isInstanceOf(XAException.class)
                        .extracting(e -> ((XAException) e).errorCode)
                        .isEqualTo(XAException.XAER_NOTA);
            } finally {
                other.close();
            }
            AssentTransactionManager tm = manager();
            XAResource recovery = dataSource(tm, a, "bank-a").recoveryResource();
            assertThatThrownBy(() -> recovery.commit(xid, false))
                    .isInstanceOf(XAException.class)
                    .extracting(e -> ((XAException) e).errorCode)
                    .isEqualTo(XAException.XAER_RMFAIL);

            owner.close(); // the session ends: now another one may finish the branch
            owner = null;
            recovery.commit(xid, false);
            assertThat(Bank.balance(a, 1)).isEqualTo(105);
            assertThat(preparedBranches(a)).isEmpty();
        } finally {
            if (owner != null) {
                owner.getXAResource().rollback(xid);
                owner.close();
            }
        }
    }

    /**
     * Scenario: a deadlock inside a branch, caught by the application.
     *
     * <p>Resources: A and B, and a plain session on A that has written more than the branch.
     * Fault: the branch debits account 1 of A; the plain session, holding account 2, waits for
     * account 1; the branch then asks for account 2: InnoDB chooses the lighter transaction, the
     * branch, as the victim and rolls its whole work back (not only the statement). The
     * application catches the SQLException, credits B and commits. Expected: the branch cannot
     * vote yes (XA END answers that it was rolled back), so commit() throws RollbackException;
     * neither balance changed by the transaction, nothing is left prepared.
     */
    @Test
    void aDeadlockCaughtByTheApplicationRollsTheTransactionBack() throws Exception {
        a.execute(
                "DROP TABLE IF EXISTS scratch",
                "CREATE TABLE scratch (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO accounts (id, balance) VALUES (2, 0)");
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection heavy = a.admin();
                Statement statement = heavy.createStatement()) {
            heavy.setAutoCommit(false);
            // The plain session must still be waiting when the branch closes the cycle: with the
            // server's 5 s lock wait timeout, a slow moment on a loaded machine let its wait time
            // out first, and no deadlock formed.
            statement.execute("SET SESSION innodb_lock_wait_timeout = 120");
            for (int i = 0; i < 50; i++) {
                statement.executeUpdate("INSERT INTO scratch VALUES (" + i + ")");
            }
            statement.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 2");

            tm.begin();
            try (Connection fromA = bankA.getConnection();
                    Connection toB = bankB.getConnection()) {
                Bank.add(fromA, -10);
                Future<Integer> waiting =
                        other.submit(() -> statement.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1"));
                awaitLockWait(a);
                assertThatThrownBy(() -> fromA.createStatement()
                                .executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 2"))
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getErrorCode())
                        .as("deadlock, the branch chosen as victim")
                        .isEqualTo(1213);
                assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                heavy.rollback();
                Bank.add(toB, 10);
            }
            assertThatThrownBy(tm::commit)
                    .isInstanceOf(RollbackException.class)
                    .cause()
                    .isInstanceOf(XAException.class)
                    .extracting(e -> ((XAException) e).errorCode)
                    .as("XA END answers ER_XA_RBDEADLOCK, which the driver reads as XA_RBDEADLOCK")
                    .isEqualTo(XAException.XA_RBDEADLOCK);
        } finally {
            other.shutdownNow();
        }

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(Bank.balance(b, 1)).isEqualTo(100);
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(bankA.status().active() + bankB.status().active()).isZero();
    }

    private static void awaitLockWait(TestDatabase db) throws Exception {
        Poll.until(
                Duration.ofSeconds(10),
                () -> !strings(db, "SELECT trx_id FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'", 1)
                        .isEmpty());
    }
}
