package dev.assent.xa.profile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAException;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL through pgjdbc 42.7 ({@code org.postgresql.xa.PGXADataSource}). What differs, as
 * observed against PostgreSQL 17:
 *
 * <ul>
 *   <li>TMSUSPEND and TMRESUME are refused with XAER_RMERR; TMJOIN after end works on the same
 *       connection, so suspend ends the association and resume joins it ({@link
 *       SuspendMode#END_AND_JOIN}).
 *   <li>After the backend is killed (SQLState 57P01), commit of a still-prepared branch fails with
 *       XAER_RMERR, which XA reads as a heuristic rollback. PostgreSQL never completes a prepared
 *       transaction on its own, so XAER_RMERR at commit means "not done, outcome unknown": it
 *       becomes XAER_RMFAIL and recovery commits the branch later. A rollback that fails because
 *       the connection is gone becomes XAER_RMFAIL too (the branch may still be prepared).
 *   <li>A read-only branch votes XA_OK and would be prepared and committed; a branch that has no
 *       transaction id ({@code txid_current_if_assigned()} is null) and holds no advisory lock
 *       wrote nothing and votes XA_RDONLY instead.
 *   <li>A serialization failure or deadlock at PREPARE or one-phase COMMIT arrives as XAER_RMFAIL
 *       (the driver maps every SQLState but class 23 to it); the server has rolled the transaction
 *       back, so it becomes XA_RBTRANSIENT or XA_RBDEADLOCK.
 *   <li>{@code max_prepared_transactions} is 0 by default and PREPARE then fails: checked at start.
 *   <li>A statement that fails inside the branch (a duplicate key the application catches and
 *       goes on from) aborts the whole transaction: every later statement fails with SQLState
 *       25P02, {@code PREPARE TRANSACTION} and one-phase {@code COMMIT} answer with the command
 *       tag ROLLBACK, and pgjdbc reports both as success (XA_OK, a normal return), so the branch
 *       would vote yes with its work gone. pgjdbc tracks the server's transaction status from
 *       every ReadyForQuery message; {@code BaseConnection.getTransactionState()} is {@code FAILED}
 *       for an aborted transaction, read without a round trip, so such a branch is rolled back and
 *       votes XA_RBROLLBACK before prepare or a one-phase commit is sent. The read-only probe
 *       fails with 25P02 in that state and is then never taken for "read-only". A second check
 *       after PREPARE is not possible: pgjdbc 42.7 drops the command tag (an update count of 0
 *       either way) and its transaction status is IDLE after both answers.
 * </ul>
 */
public final class PostgresProfile implements DatabaseProfile {
    private static final Logger log = LoggerFactory.getLogger(PostgresProfile.class);

    @Override
    public String product() {
        return "PostgreSQL";
    }

    @Override
    public String xaDataSourceClassName() {
        return "org.postgresql.xa.PGXADataSource";
    }

    @Override
    public SuspendMode suspendMode() {
        return SuspendMode.END_AND_JOIN;
    }

    @Override
    public XAException normalise(XaVerb verb, XAException e) {
        XAException coded = e.errorCode == 0 ? XaErrors.fromSqlCause(e) : e;
        String state = XaErrors.sqlState(e);
        return switch (verb) {
            // No heuristic completion exists in PostgreSQL: RMERR cannot mean "rolled back".
            case COMMIT -> XaErrors.commitErrorIsUnknownOutcome(coded);
            case PREPARE, COMMIT_ONE_PHASE -> rolledBackByServer(coded, state);
            case START, END, ROLLBACK, RECOVER, FORGET ->
                coded.errorCode == XAException.XAER_RMERR && isLost(state)
                        ? XaErrors.recoded(XAException.XAER_RMFAIL, coded)
                        : coded;
        };
    }

    private static XAException rolledBackByServer(XAException e, String state) {
        if (e.errorCode != XAException.XAER_RMFAIL) {
            return e;
        } else if (state.equals("40P01")) {
            return XaErrors.recoded(XAException.XA_RBDEADLOCK, e);
        } else if (state.startsWith("40")) {
            return XaErrors.recoded(XAException.XA_RBTRANSIENT, e);
        }
        return e;
    }

    /** Connection exceptions (08) and operator intervention (57P01 terminated, 57P02 crash, 57P03). */
    private static boolean isLost(String state) {
        return XaErrors.isConnectionLoss(state) || state.startsWith("57P");
    }

    @Override
    public boolean isFatal(SQLException e) {
        String state = e.getSQLState();
        return state != null && isLost(state);
    }

    /**
     * A cancel request: closing the socket alone leaves the backend running its statement (and
     * holding its locks) until the statement next talks to the client.
     */
    @Override
    public void cancelRunningStatement(Connection connection) throws SQLException {
        connection.unwrap(PGConnection.class).cancelQuery();
    }

    @Override
    public void checkReady(Connection connection, DatabaseTarget target) throws SQLException {
        int max;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            max = Integer.parseInt(rs.getString(1).trim());
        }
        if (max == 0) {
            throw new DatabaseNotReadyException("DataSource '" + target.name() + "': PostgreSQL at " + target.url()
                    + " has max_prepared_transactions = 0, so it cannot prepare XA branches; set it to at least "
                    + target.maxPoolSize() + " (the pool size) in postgresql.conf and restart the server.");
        }
        if (max < target.maxPoolSize()) {
            log.warn(
                    "DataSource '{}': PostgreSQL allows {} prepared transactions but the pool holds up to {}"
                            + " connections; prepares beyond {} will fail",
                    target.name(),
                    max,
                    target.maxPoolSize(),
                    max);
        }
    }

    @Override
    public XAException rolledBackByServer(Connection connection, Object mark) throws SQLException {
        if (connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.FAILED) {
            return null;
        }
        return XaErrors.of(
                XAException.XA_RBROLLBACK,
                "PostgreSQL aborted the transaction at a failed statement (SQLState 25P02 for every later"
                        + " statement), so its work is gone and the branch cannot commit",
                null);
    }

    /**
     * Asked only when {@link #rolledBackByServer} found the transaction alive; 25P02 throws, never
     * "read-only". A branch without a transaction id may still hold transaction-level advisory
     * locks (they take no id): voting read-only would release them at prepare, before the other
     * branches commit, so such a branch is prepared like a writing one. The lock check is a second
     * query, asked only of a branch that has no transaction id: folded into the first, even behind
     * a CASE, it cost about a sixth of the end-to-end throughput of transfers, which all write.
     */
    @Override
    public boolean hasChangedNothing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return isTrue(statement, "SELECT txid_current_if_assigned() IS NULL")
                    && !isTrue(
                            statement,
                            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid()"
                                    + " AND locktype = 'advisory')");
        }
    }

    private static boolean isTrue(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
