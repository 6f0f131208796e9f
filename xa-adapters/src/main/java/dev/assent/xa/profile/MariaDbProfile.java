package dev.assent.xa.profile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB through Connector/J 3.5 ({@code org.mariadb.jdbc.MariaDbDataSource}). What differs, as
 * observed against MariaDB 11.4:
 *
 * <ul>
 *   <li>{@code XA END ... SUSPEND}, {@code XA START ... RESUME} and {@code ... JOIN} are refused
 *       with XAER_INVAL, and a branch in the IDLE state (after XA END) takes no statements: the
 *       association stays open across suspend ({@link SuspendMode#KEEP_ASSOCIATED}).
 *   <li>The driver maps only the server's XA error numbers; every other failure, including a lost
 *       connection, arrives with code 0. It is read from the SQL cause: a lost connection is
 *       XAER_RMFAIL, a deadlock XA_RBDEADLOCK, anything else XAER_RMERR.
 *   <li>InnoDB never completes a prepared branch on its own, so XAER_RMERR at commit means the
 *       outcome is unknown: it becomes XAER_RMFAIL and recovery retries.
 *   <li>A read-only branch votes XA_OK (no cheap way to tell it wrote nothing: it is prepared).
 *   <li>A prepared branch whose session is still open is unknown (XAER_NOTA) to other sessions;
 *       recovery therefore confirms an XAER_NOTA against XA RECOVER before believing it.
 *   <li>A statement that fails inside a branch (a duplicate key) undoes only itself, and so does a
 *       lock wait timeout while {@code innodb_rollback_on_timeout} is off (the default): the rest
 *       of the branch commits. A deadlock undoes the whole branch, and the server then marks it
 *       rollback-only: XA END answers ER_XA_RBDEADLOCK (1614, read in the server's source), which
 *       the driver reads as XA_RBDEADLOCK, so the branch never reaches a YES vote (tested: the
 *       RollbackException's cause carries XA_RBDEADLOCK); a lock wait timeout with
 *       {@code innodb_rollback_on_timeout} on is answered the same way with ER_XA_RBTIMEOUT (1613,
 *       XA_RBTIMEOUT; read in the server's source, not tested). Nothing to add here.
 *   <li>XA RECOVER needs the XA_RECOVER_ADMIN privilege on MySQL 8 and on servers that have it;
 *       MariaDB 11.4 has no such privilege and lets any user list. Checked at start.
 * </ul>
 */
public final class MariaDbProfile implements DatabaseProfile {
    private static final Logger log = LoggerFactory.getLogger(MariaDbProfile.class);
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;
    private static final int ER_LOCK_DEADLOCK = 1213;
    private static final int ER_SERVER_SHUTDOWN = 1053;
    private static final int ER_CONNECTION_KILLED = 1927;
    private static final int CR_SERVER_GONE = 2006;
    private static final int CR_SERVER_LOST = 2013;

    @Override
    public String product() {
        return "MariaDB";
    }

    @Override
    public String xaDataSourceClassName() {
        return "org.mariadb.jdbc.MariaDbDataSource";
    }

    @Override
    public SuspendMode suspendMode() {
        return SuspendMode.KEEP_ASSOCIATED;
    }

    @Override
    public XAException normalise(XaVerb verb, XAException e) {
        XAException coded = e.errorCode == 0 ? fromCause(e) : e;
        return switch (verb) {
            case COMMIT -> XaErrors.commitErrorIsUnknownOutcome(coded);
            case ROLLBACK, RECOVER, START, END, PREPARE, COMMIT_ONE_PHASE, FORGET -> coded;
        };
    }

    private static XAException fromCause(XAException e) {
        int vendor = XaErrors.vendorCode(e);
        if (isLost(vendor, XaErrors.sqlState(e))) {
            return XaErrors.recoded(XAException.XAER_RMFAIL, e);
        } else if (vendor == ER_LOCK_DEADLOCK) {
            return XaErrors.recoded(XAException.XA_RBDEADLOCK, e);
        }
        return XaErrors.fromSqlCause(e);
    }

    private static boolean isLost(int vendor, String state) {
        return XaErrors.isConnectionLoss(state)
                || vendor == ER_CONNECTION_KILLED
                || vendor == ER_SERVER_SHUTDOWN
                || vendor == CR_SERVER_GONE
                || vendor == CR_SERVER_LOST;
    }

    @Override
    public boolean isFatal(SQLException e) {
        return isLost(e.getErrorCode(), e.getSQLState() == null ? "" : e.getSQLState());
    }

    /** KILL QUERY through a second connection: closing waits for a running statement otherwise. */
    @Override
    public void cancelRunningStatement(Connection connection) throws SQLException {
        connection.unwrap(org.mariadb.jdbc.Connection.class).cancelCurrentQuery();
    }

    @Override
    public void checkReady(Connection connection, DatabaseTarget target) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                // only checking that the user may list prepared branches
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED) {
                throw new DatabaseNotReadyException(
                        "DataSource '" + target.name() + "': user '" + target.user() + "' may not run XA RECOVER on "
                                + target.url() + " (" + ConnectFailures.firstSentence(e.getMessage())
                                + "), so recovery could not see prepared branches; GRANT XA_RECOVER_ADMIN ON *.* TO"
                                + " that user, or give the DataSource a recoveryUser that has it.",
                        e);
            }
            throw e;
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT @@default_storage_engine")) {
            if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                log.warn(
                        "DataSource '{}': the default storage engine is {}; only InnoDB tables take part in XA"
                                + " transactions",
                        target.name(),
                        rs.getString(1));
            }
        }
    }
}
