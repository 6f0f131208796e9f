package dev.assent.xa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.DatabaseTarget;
import dev.assent.xa.profile.GenericProfile;
import dev.assent.xa.profile.H2Profile;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** Recovery's connection stays usable, is replaced when it fails, and refuses work once closed. */
class RecoveryResourceTest {
    private static final DatabaseTarget TARGET = new DatabaseTarget("bank", "jdbc:test", "app", 4);
    private static final Xid XID = new Xid() {
        @Override
        public int getFormatId() {
            return 9;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return new byte[] {9};
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    };

    private final List<FakeConnection> opened = new ArrayList<>();

    /** Over a generic profile: these tests are about the connection, not a driver's quirks. */
    private RecoveryResource resource(ScriptedDriver... drivers) {
        return resource(new GenericProfile("Db", "x.Y"), drivers);
    }

    private RecoveryResource resource(DatabaseProfile profile, ScriptedDriver... drivers) {
        return new RecoveryResource(TARGET, profile, () -> {
            FakeConnection connection = new FakeConnection(drivers[Math.min(opened.size(), drivers.length - 1)]);
            opened.add(connection);
            return connection;
        });
    }

    @Test
    void keepsOneConnectionAcrossScans() throws XAException {
        ScriptedDriver driver = new ScriptedDriver();
        RecoveryResource recovery = resource(driver);

        recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        recovery.commit(XID, false);
        recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);

        assertThat(opened).hasSize(1);
        assertThat(driver.calls).containsExactly("recover", "commit", "recover");
        assertThat(recovery.resourceManagerName()).isEqualTo("bank");
    }

    @Test
    void replacesAFailedConnectionAndRetriesOnce() throws XAException {
        ScriptedDriver broken = new ScriptedDriver();
        ScriptedDriver fresh = new ScriptedDriver();
        RecoveryResource recovery = resource(broken, fresh);
        recovery.recover(XAResource.TMSTARTRSCAN);
        broken.failing("rollback", XAException.XAER_RMFAIL);

        recovery.rollback(XID);

        assertThat(opened).hasSize(2);
        assertThat(opened.get(0).closed).isTrue();
        assertThat(fresh.calls).containsExactly("rollback");
    }

    @Test
    void unknownXidStillListedMeansTryAgainLater() throws XAException {
        ScriptedDriver driver = new ScriptedDriver().failing("commit", XAException.XAER_NOTA);
        driver.listed = new Xid[] {XID};
        RecoveryResource recovery = resource(driver);

        assertThatThrownBy(() -> recovery.commit(XID, false))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_RMFAIL);

        driver.failing("rollback", XAException.XAER_NOTA);
        driver.listed = new Xid[0];
        assertThatThrownBy(() -> recovery.rollback(XID))
                .extracting(e -> ((XAException) e).errorCode)
                .as("no longer listed: really unknown")
                .isEqualTo(XAException.XAER_NOTA);
    }

    @Test
    void whereRollbackCanSilentlyDoNothingTheBranchIsListedBeforeAndAfter() throws XAException {
        ScriptedDriver driver = new ScriptedDriver();
        driver.listed = new Xid[] {XID}; // the scripted rollback leaves it listed, as H2's can
        RecoveryResource recovery = resource(new H2Profile(), driver);

        assertThatThrownBy(() -> recovery.rollback(XID))
                .extracting(e -> ((XAException) e).errorCode)
                .as("still prepared after the rollback: never reported as rolled back")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(driver.calls).containsExactly("recover", "rollback", "recover");
    }

    @Test
    void whereRollbackCanSilentlyDoNothingABranchNotListedIsUnknown() throws XAException {
        ScriptedDriver driver = new ScriptedDriver();
        RecoveryResource recovery = resource(new H2Profile(), driver);

        assertThatThrownBy(() -> recovery.rollback(XID))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(driver.calls).containsExactly("recover");
    }

    @Test
    void aClosedResourceReportsTheDatabaseUnreachable() throws XAException {
        RecoveryResource recovery = resource(new ScriptedDriver());
        recovery.recover(XAResource.TMSTARTRSCAN);
        recovery.close();
        recovery.close();

        assertThat(opened.get(0).closed).isTrue();
        assertThatThrownBy(() -> recovery.recover(XAResource.TMSTARTRSCAN))
                .hasMessageContaining("'bank' is closed")
                .extracting(e -> ((XAException) e).errorCode)
                .as("never an empty list, which would read as 'nothing prepared'")
                .isEqualTo(XAException.XAER_RMFAIL);
    }

    @Test
    void refusesToRunBranches() {
        RecoveryResource recovery = resource(new ScriptedDriver());
        assertThatThrownBy(() -> recovery.start(XID, XAResource.TMNOFLAGS))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_PROTO);
        assertThatThrownBy(() -> recovery.end(XID, XAResource.TMSUCCESS)).isInstanceOf(XAException.class);
        assertThatThrownBy(() -> recovery.prepare(XID)).isInstanceOf(XAException.class);
        assertThat(recovery.isSameRM(recovery)).isTrue();
        assertThat(recovery.getTransactionTimeout()).isZero();
        assertThat(recovery.setTransactionTimeout(3)).isFalse();
    }

    @Test
    void anUnreachableDatabaseIsExplainedInOneSentence() {
        RecoveryResource recovery = new RecoveryResource(TARGET, new H2Profile(), () -> {
            throw new SQLException("Connection refused. Really.", "08001");
        });

        assertThatThrownBy(recovery::checkReady)
                .isInstanceOf(DatabaseNotReadyException.class)
                .hasMessage("DataSource 'bank' cannot reach H2 at jdbc:test: Connection refused (SQLState 08001);"
                        + " check the host, port and that the server is running.");
        assertThatThrownBy(() -> recovery.forget(XID))
                .extracting(e -> ((XAException) e).errorCode)
                .isEqualTo(XAException.XAER_RMFAIL);
    }

    /** An XAConnection around a scripted driver. */
    private static final class FakeConnection implements XAConnection {
        private final ScriptedDriver driver;
        boolean closed;

        FakeConnection(ScriptedDriver driver) {
            this.driver = driver;
        }

        @Override
        public XAResource getXAResource() {
            return driver;
        }

        @Override
        public Connection getConnection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void addConnectionEventListener(ConnectionEventListener listener) {}

        @Override
        public void removeConnectionEventListener(ConnectionEventListener listener) {}

        @Override
        public void addStatementEventListener(StatementEventListener listener) {}

        @Override
        public void removeStatementEventListener(StatementEventListener listener) {}
    }
}
