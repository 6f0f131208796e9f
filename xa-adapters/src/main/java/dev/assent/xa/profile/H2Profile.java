package dev.assent.xa.profile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAException;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2 2.x ({@code org.h2.jdbcx.JdbcDataSource}). What differs, as observed with H2 2.5 (and read in
 * its {@code JdbcXAConnection}):
 *
 * <ul>
 *   <li>Its XAExceptions carry error code 0. They are read from the SQL cause: error 90129
 *       (transaction not found) is XAER_NOTA, a closed or broken database XAER_RMFAIL, an integrity
 *       violation XA_RBINTEGRITY, anything else XAER_RMERR.
 *   <li>H2 never completes a prepared transaction on its own: XAER_RMERR at commit means the
 *       outcome is unknown, and becomes XAER_RMFAIL.
 *   <li>TMSUSPEND, TMRESUME and TMJOIN are accepted (as no-ops) by the driver.
 *   <li>A read-only branch votes XA_OK.
 *   <li>A statement that fails inside a branch (a duplicate key, a lock timeout) undoes only
 *       itself; the branch goes on and commits the rest. A deadlock (40001) is different: H2 rolls
 *       the victim's whole transaction back, and the session's next statement starts a new one,
 *       so an application that catches the exception and goes on would prepare and commit only
 *       what followed, with a YES vote. The branch therefore marks the MVStore transaction it
 *       starts in ({@link #transactionMark}, begun at once) and votes XA_RBROLLBACK when that
 *       transaction is no longer open at the end ({@link #rolledBackByServer}, no query). A DDL
 *       statement, which H2 commits implicitly with the work before it, also ends that
 *       transaction: the branch then votes rollback too, since its work is no longer one unit.
 *   <li>Prepared branches survive only a real crash: a clean close rolls them back, so recovery
 *       tests with H2 must kill a child process.
 *   <li>Each XA connection keeps one "prepared" flag, set by prepare() or by a recover() that lists
 *       at least one branch and cleared by start, end, forget, commit and rollback. rollback(xid)
 *       without the flag rolls back the connection's own (empty) transaction and returns normally,
 *       leaving the prepared branch in place: on recovery's one connection, the second branch
 *       rolled back after a scan would stay prepared while reported rolled back. Recovery
 *       therefore lists the branch right before each rollback and confirms afterwards that it is
 *       gone ({@link #rollbackNeedsListing}). commit(xid) always runs {@code COMMIT TRANSACTION} and
 *       answers 90129 for an unknown branch: not affected.
 *   <li>{@code getConnection()} on the XA connection after start() closes the previous handle, which
 *       rolls back and turns auto-commit on: the branch's work so far is lost and what follows
 *       commits statement by statement. The pool takes the handle once, when it opens the
 *       connection, so this never happens inside a branch.
 *   <li>{@code Connection.abort} on the handle does nothing, and closing the handle rolls back and
 *       then turns auto-commit on for a session that stays open until the XA connection is closed:
 *       a statement the application is about to run on another thread would commit on its own. A
 *       branch rolled back behind its application's back therefore closes the H2 session itself
 *       ({@link #closeSessionAtOnce}), which H2 allows from any thread; later statements fail.
 *   <li>In server (TCP) mode XA does not work (H2's issue 2347: rolled-back branches stay listed as
 *       prepared): a remote session is refused at start.
 *   <li>With the default {@code WRITE_DELAY} (500 ms) a transaction that never prepared is written
 *       to the file by a background thread, up to that delay after its commit returned: a one-phase
 *       commit can be lost if the process dies within it (prepared branches and their second-phase
 *       commit are written at once). {@code WRITE_DELAY=0} writes every commit before it returns;
 *       a positive value is warned about at start.
 * </ul>
 */
public final class H2Profile implements DatabaseProfile {
    private static final Logger log = LoggerFactory.getLogger(H2Profile.class);
    private static final int TRANSACTION_NOT_FOUND = 90129;
    private static final int CONNECTION_BROKEN = 90067;
    private static final int DATABASE_IS_CLOSED = 90098;
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;

    @Override
    public String product() {
        return "H2";
    }

    @Override
    public String xaDataSourceClassName() {
        return "org.h2.jdbcx.JdbcDataSource";
    }

    @Override
    public SuspendMode suspendMode() {
        return SuspendMode.NATIVE;
    }

    @Override
    public XAException normalise(XaVerb verb, XAException e) {
        XAException coded = e.errorCode == 0 ? fromCause(e) : e;
        return switch (verb) {
            case COMMIT -> XaErrors.commitErrorIsUnknownOutcome(coded);
            case START, END, PREPARE, COMMIT_ONE_PHASE, ROLLBACK, RECOVER, FORGET -> coded;
        };
    }

    private static XAException fromCause(XAException e) {
        int vendor = XaErrors.vendorCode(e);
        if (vendor == TRANSACTION_NOT_FOUND) {
            return XaErrors.recoded(XAException.XAER_NOTA, e);
        } else if (vendor == CONNECTION_BROKEN
                || vendor == DATABASE_IS_CLOSED
                || vendor == DATABASE_CALLED_AT_SHUTDOWN) {
            return XaErrors.recoded(XAException.XAER_RMFAIL, e);
        }
        return XaErrors.fromSqlCause(e);
    }

    /** The session's MVStore transaction, begun now if no statement has begun it yet. */
    @Override
    public Object transactionMark(Connection connection) throws SQLException {
        return session(connection).getTransaction();
    }

    @Override
    public XAException rolledBackByServer(Connection connection, Object mark) {
        if (!(mark instanceof Transaction begun) || begun.getStatus() == Transaction.STATUS_OPEN) {
            return null;
        }
        return XaErrors.of(
                XAException.XA_RBROLLBACK,
                "H2 ended the transaction the branch began in (rolled back at a deadlock, or committed by a DDL"
                        + " statement), so the branch's work is no longer one unit and cannot commit",
                null);
    }

    private static SessionLocal session(Connection connection) throws SQLException {
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (session instanceof SessionLocal local) {
            return local;
        }
        throw new SQLException(
                "not an embedded H2 session: " + session.getClass().getName());
    }

    @Override
    public boolean rollbackNeedsListing() {
        return true;
    }

    /** Cancels a running statement and closes the session the XA connection and its handle share. */
    @Override
    public boolean closeSessionAtOnce(Connection connection) throws SQLException {
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        session.cancel();
        session.close();
        return session.isClosed();
    }

    @Override
    public void checkReady(Connection connection, DatabaseTarget target) throws SQLException {
        if (connection.unwrap(JdbcConnection.class).getSession().isRemote()) {
            throw new DatabaseNotReadyException("DataSource '" + target.name() + "': H2 at " + target.url()
                    + " is reached in server (TCP) mode, where H2's XA support does not work (branches it rolls"
                    + " back stay listed as prepared); open the database in embedded mode in this process"
                    + " (jdbc:h2:file:<path>) instead.");
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            if (rs.next() && Integer.parseInt(rs.getString(1).trim()) > 0) {
                log.warn(
                        "DataSource '{}': H2 writes committed transactions up to WRITE_DELAY = {} ms after they"
                                + " commit, so a one-phase commit that returned can be lost if the process dies;"
                                + " add ;WRITE_DELAY=0 to the URL to write each commit before it returns",
                        target.name(),
                        rs.getString(1).trim());
            }
        }
    }
}
