package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.MariaDbProfile;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.MariaDbServer;
import dev.assent.xa.support.Servers;
import dev.assent.xa.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
}
