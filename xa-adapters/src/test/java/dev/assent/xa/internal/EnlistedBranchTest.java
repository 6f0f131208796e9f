package dev.assent.xa.internal;

import static javax.transaction.xa.XAResource.TMFAIL;
import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMRESUME;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static javax.transaction.xa.XAResource.TMSUSPEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.GenericProfile;
import dev.assent.xa.profile.MariaDbProfile;
import dev.assent.xa.profile.PostgresProfile;
import jakarta.transaction.Status;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The branch translates what the manager asks into what each driver can do. */
class EnlistedBranchTest {
    private static final Xid XID = new Xid() {
        @Override
        public int getFormatId() {
            return 1;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return new byte[] {1};
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {2};
        }
    };

    private Connection connection;
    private BranchProbe.Calls pool;
    private ScriptedDriver driver;

    @BeforeEach
    void openConnection() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:branch-test", "sa", "");
        pool = new BranchProbe.Calls(connection);
        driver = new ScriptedDriver();
    }

    @AfterEach
    void closeConnection() throws SQLException {
        connection.close();
    }

    private EnlistedBranch branch(DatabaseProfile profile) {
        return new EnlistedBranch("bank", pool, driver, profile, new ReturnGuard());
    }

    @Test
    void postgresSuspendEndsAndResumeJoins() throws XAException {
        EnlistedBranch branch = branch(new PostgresProfile());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUSPEND);
        branch.start(XID, TMRESUME);
        branch.end(XID, TMSUSPEND);
        branch.end(XID, TMSUCCESS); // already ended at the driver
        branch.commit(XID, true);

        assertThat(driver.calls)
                .containsExactly("start TMNOFLAGS", "end TMSUCCESS", "start TMJOIN", "end TMSUCCESS", "commit 1PC");
        assertThat(pool.calls).doesNotContain("setFlushOnly");
    }

    @Test
    void mariaDbSuspendKeepsTheAssociation() throws XAException {
        EnlistedBranch branch = branch(new MariaDbProfile());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUSPEND);
        branch.start(XID, TMRESUME);
        branch.end(XID, TMSUSPEND);
        branch.end(XID, TMFAIL);
        branch.rollback(XID);

        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMFAIL", "rollback");
    }

    @Test
    void nativeSuspendFallsBackWhenTheDriverRefuses() throws XAException {
        driver.failing("end TMSUSPEND", XAException.XAER_INVAL);
        EnlistedBranch branch = branch(new GenericProfile("Db", "x.Y"));
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUSPEND);
        branch.start(XID, TMRESUME);
        branch.end(XID, TMSUCCESS);
        assertThat(branch.prepare(XID)).isEqualTo(XAResource.XA_OK);
        branch.commit(XID, false);

        assertThat(driver.calls)
                .containsExactly("start TMNOFLAGS", "end TMSUSPEND", "end TMSUCCESS", "prepare", "commit");
        assertThat(branch.state()).isEqualTo(EnlistedBranch.State.DONE);
    }

    @Test
    void nativeSuspendReachesTheDriverWhenItAccepts() throws XAException {
        EnlistedBranch branch = branch(new GenericProfile("Db", "x.Y"));
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUSPEND);
        branch.start(XID, TMRESUME);
        branch.end(XID, TMSUCCESS);
        branch.start(XID, TMJOIN);
        branch.end(XID, TMSUCCESS);
        branch.rollback(XID);

        assertThat(driver.calls)
                .containsExactly(
                        "start TMNOFLAGS",
                        "end TMSUSPEND",
                        "start TMRESUME",
                        "end TMSUCCESS",
                        "start TMJOIN",
                        "end TMSUCCESS",
                        "rollback");
    }

    @Test
    void rollbackVoteAtPrepareResetsTheDriverAndKeepsTheConnection() throws XAException {
        driver.failing("prepare", XAException.XA_RBINTEGRITY);
        EnlistedBranch branch = branch(new PostgresProfile());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);

        assertThatThrownBy(() -> branch.prepare(XID))
                .isInstanceOf(XAException.class)
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XA_RBINTEGRITY);
        assertThat(driver.calls).endsWith("prepare", "rollback");
        assertThat(pool.calls).doesNotContain("setFlushOnly");
        assertThatThrownBy(() -> branch.rollback(XID))
                .extracting(e -> ((XAException) e).errorCode)
                .as("already rolled back by the server")
                .isEqualTo(XAException.XAER_NOTA);
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pool.calls).endsWith("transactionEnd").doesNotContain("setFlushOnly");
    }

    @Test
    void failedCommitNeverPoolsTheConnectionAgain() throws XAException {
        driver.failing("commit", XAException.XAER_RMERR);
        EnlistedBranch branch = branch(new PostgresProfile());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);
        branch.prepare(XID);

        assertThatThrownBy(() -> branch.commit(XID, false))
                .extracting(e -> ((XAException) e).errorCode)
                .as("PostgreSQL has no heuristics: unknown, retried by recovery")
                .isEqualTo(XAException.XAER_RMFAIL);
        branch.afterCompletion(Status.STATUS_UNKNOWN);
        assertThat(pool.calls).contains("setFlushOnly").endsWith("transactionEnd");
    }

    @Test
    void aDriverThatThrowsUncheckedFailsTheResource() throws XAException {
        driver.crashing("start TMNOFLAGS", new NullPointerException("physicalConn"));
        EnlistedBranch branch = branch(new PostgresProfile());

        assertThatThrownBy(() -> branch.start(XID, TMNOFLAGS))
                .isInstanceOf(XAException.class)
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(pool.calls).contains("setFlushOnly");
    }

    @Test
    void verbsOutOfOrderAreProtocolErrors() {
        EnlistedBranch branch = branch(new PostgresProfile());
        assertThatThrownBy(() -> branch.prepare(XID))
                .hasMessageContaining("cannot prepare the branch of 'bank': it is NEW")
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_PROTO);
        assertThatThrownBy(() -> branch.start(XID, 12345))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_INVAL);
        assertThatThrownBy(() -> branch.end(XID, 12345))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_INVAL);
    }

    @Test
    void aRollbackFromAnotherThreadClosesTheConnectionInsteadOfWaitingForIt() throws Exception {
        EnlistedBranch branch = branch(new PostgresProfile());
        branch.start(XID, TMNOFLAGS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reaper = new Thread(() -> {
            try {
                branch.end(XID, TMFAIL);
                branch.rollback(XID);
                branch.afterCompletion(Status.STATUS_ROLLEDBACK);
            } catch (XAException | RuntimeException e) {
                failure.set(e);
            }
        });
        reaper.start();
        reaper.join();

        assertThat(failure.get()).isNull();
        assertThat(connection.isClosed()).isTrue();
        assertThat(driver.calls)
                .as("the closed connection rolled the branch back")
                .containsExactly("start TMNOFLAGS");
        assertThat(branch.state()).isEqualTo(EnlistedBranch.State.ABANDONED);
        assertThat(pool.calls).contains("setFlushOnly").endsWith("transactionEnd");
    }

    @Test
    void readOnlyBranchIsRolledBackAndVotesReadOnlyWhenTheProfileCanTell() throws XAException {
        DatabaseProfile readOnlyAware = new DatabaseProfileDelegate(new GenericProfile("Db", "x.Y")) {
            @Override
            public boolean hasChangedNothing(Connection c) {
                return true;
            }
        };
        EnlistedBranch branch = branch(readOnlyAware);
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);

        assertThat(branch.prepare(XID)).isEqualTo(XAResource.XA_RDONLY);
        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMSUCCESS", "rollback");
        branch.afterCompletion(Status.STATUS_COMMITTED);
        assertThat(pool.calls).doesNotContain("setFlushOnly");
    }

    /** A profile that finds the server's transaction aborted, as PostgreSQL's FAILED status says. */
    private static DatabaseProfile abortedByServer() {
        return new DatabaseProfileDelegate(new GenericProfile("Db", "x.Y")) {
            @Override
            public XAException rolledBackByServer(Connection c, Object mark) {
                XAException e = new XAException("aborted");
                e.errorCode = XAException.XA_RBROLLBACK;
                return e;
            }

            @Override
            public boolean hasChangedNothing(Connection c) {
                throw new AssertionError("the read-only probe must not run on an aborted branch");
            }
        };
    }

    @Test
    void branchTheServerAbortedIsRolledBackAndVotesRollbackWithoutBeingPrepared() throws XAException {
        EnlistedBranch branch = branch(abortedByServer());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);

        assertThatThrownBy(() -> branch.prepare(XID))
                .isInstanceOf(XAException.class)
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMSUCCESS", "rollback");
        assertThat(branch.state()).isEqualTo(EnlistedBranch.State.DONE);
        branch.afterCompletion(Status.STATUS_ROLLEDBACK);
        assertThat(pool.calls).as("the connection is clean and pooled again").doesNotContain("setFlushOnly");
    }

    @Test
    void branchTheServerAbortedIsNotCommittedInOnePhase() throws XAException {
        EnlistedBranch branch = branch(abortedByServer());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);

        assertThatThrownBy(() -> branch.commit(XID, true))
                .isInstanceOf(XAException.class)
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XA_RBROLLBACK);
        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMSUCCESS", "rollback");
    }

    @Test
    void isTheSameResourceManagerOnlyAsItself() throws XAException {
        EnlistedBranch branch = branch(new PostgresProfile());
        assertThat(branch.isSameRM(branch)).isTrue();
        assertThat(branch.isSameRM(driver)).isFalse();
        assertThat(branch.resourceManagerName()).isEqualTo("bank");
        assertThat(branch.setTransactionTimeout(5)).isTrue();
        assertThat(branch.getTransactionTimeout()).isZero();
        assertThat(branch.recover(XAResource.TMSTARTRSCAN)).isEmpty();
        branch.forget(XID);
        assertThat(branch).hasToString("EnlistedBranch[bank, NEW]");
    }

    @Test
    void rollbackOfAnAssociationThatWasNeverEndedEndsItFirst() throws XAException {
        EnlistedBranch branch = branch(new MariaDbProfile());
        branch.start(XID, TMNOFLAGS);
        branch.rollback(XID);

        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMFAIL", "rollback");
    }

    @Test
    void anEndedBranchRolledBackByAnotherThreadIsRolledBackThroughTheDriver() throws Exception {
        EnlistedBranch branch = branch(new PostgresProfile());
        branch.start(XID, TMNOFLAGS);
        branch.end(XID, TMSUCCESS);
        Thread phase = new Thread(() -> {
            try {
                branch.rollback(XID);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
        });
        phase.start();
        phase.join();

        assertThat(connection.isClosed()).isFalse();
        assertThat(driver.calls).containsExactly("start TMNOFLAGS", "end TMSUCCESS", "rollback");
    }
}
