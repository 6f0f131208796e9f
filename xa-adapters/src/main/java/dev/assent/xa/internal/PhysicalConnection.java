package dev.assent.xa.internal;

import io.agroal.api.transaction.TransactionAware;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's own connection under a pooled one: what the read-only check queries and what
 * {@link #abort} closes when a transaction is rolled back behind its application's back.
 */
final class PhysicalConnection {
    private static final Logger log = LoggerFactory.getLogger(PhysicalConnection.class);
    private static final Executor IN_PLACE = Runnable::run;

    private PhysicalConnection() {}

    /**
     * The driver connection behind {@code aware}, or null when the driver does not unwrap. The
     * pool's detached handle unwraps without checking the transaction, so this works on any thread.
     */
    static Connection of(TransactionAware aware) {
        try {
            Object handle = aware.getConnection();
            return handle instanceof Connection connection ? connection.unwrap(Connection.class) : null;
        } catch (SQLException | RuntimeException e) {
            log.debug("cannot reach the driver connection under {}: {}", aware, e.toString());
            return null;
        }
    }

    /**
     * Closes the connection at once, even while another thread runs a statement on it (that
     * statement fails): the server rolls back whatever branch was running on it and not prepared.
     * Some drivers ignore abort (H2's XA handle stays open), so the result is checked and the
     * connection closed the ordinary way if need be.
     *
     * @return false when the connection could not be closed
     */
    static boolean abort(Connection connection) {
        try {
            connection.abort(IN_PLACE);
            if (connection.isClosed()) {
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("abort refused ({}); closing instead", e.toString());
        }
        try {
            connection.close();
            return connection.isClosed();
        } catch (SQLException | RuntimeException e) {
            log.warn("could neither abort nor close a connection", e);
            return false;
        }
    }
}
