package dev.assent.xa.profile;

import javax.transaction.xa.XAException;

/**
 * H2 2.x ({@code org.h2.jdbcx.JdbcDataSource}). What differs, as observed with H2 2.5:
 *
 * <ul>
 *   <li>Its XAExceptions carry error code 0. They are read from the SQL cause: error 90129
 *       (transaction not found) is XAER_NOTA, a closed or broken database XAER_RMFAIL, an integrity
 *       violation XA_RBINTEGRITY, anything else XAER_RMERR.
 *   <li>H2 never completes a prepared transaction on its own: XAER_RMERR at commit means the
 *       outcome is unknown, and becomes XAER_RMFAIL.
 *   <li>TMSUSPEND, TMRESUME and TMJOIN are accepted (as no-ops) by the driver.
 *   <li>A read-only branch votes XA_OK.
 *   <li>Prepared branches survive only a real crash: a clean close rolls them back, so recovery
 *       tests with H2 must kill a child process.
 * </ul>
 */
public final class H2Profile implements DatabaseProfile {
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
}
