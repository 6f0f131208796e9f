package dev.assent.xa.profile;

import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAException;

/**
 * Everything that differs between databases, in one place per database: which XADataSource to
 * use, how its driver's XAExceptions are to be read, how it takes suspend and resume, what must
 * hold before it can take part in XA, and how to tell a read-only branch.
 *
 * <p>Implementations are stateless and thread-safe: one instance serves every connection of a
 * DataSource.
 */
public interface DatabaseProfile {

    /** The product, for messages: "PostgreSQL". */
    String product();

    /** The fully qualified name of the driver's XADataSource, or null when the builder names it. */
    String xaDataSourceClassName();

    /**
     * Rewrites a driver's XAException so that its code means what the XA specification says it
     * means for {@code verb}. Returns an exception with a valid code, never code 0; may return
     * {@code e} itself. Must not throw.
     */
    XAException normalise(XaVerb verb, XAException e);

    /** How suspend and resume reach the driver. */
    SuspendMode suspendMode();

    /**
     * Checks, on a fresh connection of the DataSource, that the database can prepare branches
     * and that recovery can list them.
     *
     * @throws DatabaseNotReadyException naming what is missing and how to fix it
     * @throws SQLException when the check itself could not run
     */
    default void checkReady(Connection connection, DatabaseTarget target) throws SQLException {}

    /**
     * True when the branch running on {@code connection} has changed nothing, so that it can be
     * rolled back and vote read-only instead of preparing. Called after end(TMSUCCESS), before
     * prepare, on the connection's own thread of control. The default says false (always prepare).
     *
     * @throws SQLException when it cannot tell; the branch is then prepared as usual
     */
    default boolean hasChangedNothing(Connection connection) throws SQLException {
        return false;
    }

    /**
     * A mark of the server transaction that a branch's work runs in, taken on {@code connection}
     * right after the branch started at the driver and handed back to {@link #rolledBackByServer}
     * at the end; null when the database needs none (the default). Must not add a round trip.
     *
     * @throws SQLException when it cannot; the branch then goes on without a mark
     */
    default Object transactionMark(Connection connection) throws SQLException {
        return null;
    }

    /**
     * Why the branch running on {@code connection} can no longer commit because the server has
     * already thrown its work away (PostgreSQL aborts the whole transaction at the first failed
     * statement, H2 rolls it back at a deadlock, even one the application caught), or null when
     * it may commit. Called after end(TMSUCCESS), before the read-only check, prepare and a
     * one-phase commit: a non-null answer is the branch's vote, so a driver that would report the
     * doomed PREPARE or COMMIT as a success is never asked. It is on every commit's path, so it
     * must answer from what the driver already knows, without a round trip to the server. The
     * default says null: the driver is trusted.
     *
     * @param mark what {@link #transactionMark} returned when the branch started, or null
     * @return an XAException with an XA_RB* code, or null
     * @throws SQLException when it cannot tell; the branch is then prepared as usual
     */
    default XAException rolledBackByServer(Connection connection, Object mark) throws SQLException {
        return null;
    }

    /**
     * True when the driver's rollback(xid) of a prepared branch may return normally without
     * rolling anything back, so that recovery must list the branch right before rolling it back and
     * confirm afterwards that it is gone (H2). The default says false.
     */
    default boolean rollbackNeedsListing() {
        return false;
    }

    /**
     * Ends, from another thread, the server session under {@code connection} so that nothing more
     * runs on it, for a driver whose {@code Connection.abort} does nothing and whose {@code close}
     * would leave the session open in auto-commit (H2's XA handle). Called when a transaction is
     * rolled back behind its application's back, before the connection is aborted.
     *
     * @return true when the session is closed; false (the default) to abort or close the connection
     *     through JDBC
     * @throws SQLException when it could not; the connection is aborted through JDBC then
     */
    default boolean closeSessionAtOnce(Connection connection) throws SQLException {
        return false;
    }

    /**
     * Stops, from another thread, a statement that may be running on {@code connection}, so that
     * the server stops working for a transaction that was just rolled back and closing the
     * connection does not wait for the statement. Called before the connection is aborted; the
     * default does nothing.
     *
     * @throws SQLException when the request could not be sent; the connection is aborted anyway
     */
    default void cancelRunningStatement(Connection connection) throws SQLException {}

    /** True when {@code e} means the pooled connection is dead and must not be reused. */
    default boolean isFatal(SQLException e) {
        String state = e.getSQLState();
        return state != null && XaErrors.isConnectionLoss(state);
    }

    /** One sentence on why the DataSource could not open a connection, with the fix. */
    default String explainConnectFailure(DatabaseTarget target, SQLException e) {
        return ConnectFailures.explain(product(), target, e);
    }
}
