package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.PostgresProfile;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.PostgresServer;
import dev.assent.xa.support.Servers;
import dev.assent.xa.support.TestDatabase;
import dev.assent.xa.support.VoteRecorder;
import jakarta.transaction.RollbackException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.xa.PGXADataSource;

/** The contract against a real PostgreSQL 17 server, plus PostgreSQL's own quirks. */
@Tag("database")
@ExtendWith(Servers.class)
class PostgresContractTest extends XaDataSourceContract {
    private PostgresServer server;

    @BeforeAll
    void createDatabases(PostgresServer server) {
        this.server = server;
        a = server.createDatabase("contract_a");
        b = server.createDatabase("contract_b");
    }

    @Override
    protected List<String> preparedBranches(TestDatabase db) throws SQLException {
        return strings(db, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
    }

    @Override
    protected long sessionsInTransaction(TestDatabase db) throws SQLException {
        return Long.parseLong(strings(
                        db,
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
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
        return Vote.READ_ONLY; // pgjdbc says XA_OK; the profile sees no transaction id and says XA_RDONLY
    }

    @Override
    protected DatabaseProfile profile() {
        return new PostgresProfile();
    }

    @Override
    protected XAConnection xaConnection(TestDatabase db) throws SQLException {
        PGXADataSource source = new PGXADataSource();
        source.setUrl(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        return source.getXAConnection();
    }

    @Override
    protected int driverAnswerToSuspend() {
        return XAException.XAER_RMERR;
    }

    @Override
    protected String sleepSql(int seconds) {
        return "SELECT pg_sleep(" + seconds + ")";
    }

    @Override
    protected boolean failedStatementAbortsTheBranch() {
        return true; // aborts the whole transaction (25P02 afterwards)
    }

    @Override
    protected TestDatabase withWrongLogin() {
        return a.as("nobody", "wrong"); // the embedded server trusts local logins: only the user can be wrong
    }

    @Override
    protected TestDatabase unreachable() {
        return a.at("jdbc:postgresql://127.0.0.1:1/contract_a");
    }

    /**
     * Scenario: A and B in one transaction, B breaks a deferred foreign key, so PREPARE fails on B
     * with XA_RBINTEGRITY. Expected: RollbackException, nothing committed or left prepared, and
     * B's connection usable again (the driver's branch state was reset, not left ENDED).
     */
    @Test
    void deferredConstraintAtPrepareVotesNo() throws Exception {
        b.execute(
                "DROP TABLE IF EXISTS transfers",
                "CREATE TABLE transfers (id INT PRIMARY KEY, account INT REFERENCES accounts (id)"
                        + " DEFERRABLE INITIALLY DEFERRED)");
        AssentTransactionManager tm = manager();
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b", s -> s.maxPoolSize(1));

        tm.begin();
        try (Connection fromA = bankA.getConnection();
                Connection toB = bankB.getConnection();
                Statement statement = toB.createStatement()) {
            Bank.add(fromA, -10);
            statement.executeUpdate("INSERT INTO transfers VALUES (1, 99)"); // no account 99: fails at PREPARE
        }
        assertThatThrownBy(tm::commit)
                .isInstanceOf(RollbackException.class)
                .rootCause()
                .hasMessageContaining("violates foreign key constraint");

        assertThat(Bank.balance(a, 1)).isEqualTo(100);
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(preparedBranches(b)).isEmpty();
        tm.begin();
        try (Connection again = bankB.getConnection()) {
            Bank.add(again, 1);
        }
        tm.commit();
        assertThat(Bank.balance(b, 1)).as("B's only connection works again").isEqualTo(101);
        // The next test recreates the accounts table, which this one references.
        b.execute("DROP TABLE transfers");
    }

    /**
     * Scenario: A and B prepared, then A's backend is killed before phase two; commit of A fails
     * with XAER_RMERR (SQLState 57P01) although A is still prepared. Expected: not a heuristic
     * outcome; A's branch is owed to recovery, and a recovery scan commits it.
     */
    @Test
    void killedBackendAfterPrepareIsOwedToRecoveryNotAHeuristic() throws Exception {
        AtomicReference<String> victim = new AtomicReference<>();
        AtomicInteger prepared = new AtomicInteger();
        VoteRecorder owed = new VoteRecorder();
        TransactionListener killer = new TransactionListener() {
            @Override
            public void prepared(Xid branchXid, Vote vote) {
                if (prepared.incrementAndGet() == 2) {
                    try {
                        a.execute("SELECT pg_terminate_backend(" + victim.get() + ")");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        List<String> owedBranches = new ArrayList<>();
        TransactionListener owedRecorder = new TransactionListener() {
            @Override
            public void owedToRecovery(Xid branchXid, String resourceManagerName, XAException cause) {
                owedBranches.add(resourceManagerName);
            }
        };
        AssentTransactionManager tm = manager(killer, owedRecorder, owed);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");

        tm.begin();
        try (Connection fromA = bankA.getConnection();
                Connection toB = bankB.getConnection()) {
            victim.set(Bank.sessionId(fromA, "postgres"));
            Bank.add(fromA, -10);
            Bank.add(toB, 10);
        }
        tm.commit(); // decided: committed; A is owed, not reported as rolled back

        assertThat(owedBranches).contains("bank-a");
        assertThat(tm.heuristics())
                .as("recovery already ran and found no heuristic")
                .isEmpty();
        assertThat(preparedBranches(a)).isEmpty();
        assertThat(Bank.balance(a, 1)).isEqualTo(90);
        assertThat(Bank.balance(b, 1)).isEqualTo(110);
    }

    /**
     * Scenario: A's branch only takes a transaction-level advisory lock (no row written, so no
     * transaction id), B writes a row; both commit together. Expected: A's branch is not taken for
     * read-only: it votes YES and is prepared, so the lock is still held while B prepares (another
     * session cannot take it) and released by the commit.
     */
    @Test
    void aBranchHoldingOnlyAnAdvisoryLockKeepsItUntilCommit() throws Exception {
        List<Boolean> othersCouldLock = new ArrayList<>();
        AtomicInteger prepared = new AtomicInteger();
        TransactionListener probe = new TransactionListener() {
            @Override
            public void prepared(Xid branchXid, Vote vote) {
                if (prepared.incrementAndGet() == 2) {
                    othersCouldLock.add(tryAdvisoryLock(4242));
                }
            }
        };
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = manager(probe, votes);
        AssentDataSource bankA = dataSource(tm, a, "bank-a");
        AssentDataSource bankB = dataSource(tm, b, "bank-b");

        tm.begin();
        try (Connection lockA = bankA.getConnection();
                Statement statement = lockA.createStatement();
                Connection toB = bankB.getConnection()) {
            statement.execute("SELECT pg_advisory_xact_lock(4242)");
            Bank.add(toB, 10);
        }
        tm.commit();

        assertThat(votes.votes).containsExactly(Vote.YES, Vote.YES);
        assertThat(othersCouldLock).containsExactly(false);
        assertThat(tryAdvisoryLock(4242)).as("released by the commit").isTrue();
        assertThat(preparedBranches(a)).isEmpty();
    }

    /** Whether another session can take the advisory lock now (released again at once). */
    private boolean tryAdvisoryLock(long key) {
        try (Connection other = a.admin();
                Statement statement = other.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
            rs.next();
            boolean locked = rs.getBoolean(1);
            if (locked) {
                statement.execute("SELECT pg_advisory_unlock(" + key + ")");
            }
            return locked;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
