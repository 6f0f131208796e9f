package dev.assent.xa.profile;

import java.sql.SQLException;
import javax.transaction.xa.XAException;

/** Building and reading XAExceptions: every one carries a code, a message and its cause. */
public final class XaErrors {
    private XaErrors() {}

    /** A new XAException with {@code code}, {@code message} and {@code cause}. */
    public static XAException of(int code, String message, Throwable cause) {
        XAException e = new XAException(message);
        e.errorCode = code;
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * {@code original} with another code: the same exception when the code already matches, else a
     * new one whose message says what the driver said and whose cause is the original.
     */
    public static XAException recoded(int code, XAException original) {
        if (original.errorCode == code) {
            return original;
        }
        String said = original.getMessage() == null ? "" : ": " + original.getMessage();
        return of(code, "driver said " + nameOf(original.errorCode) + said, original);
    }

    /**
     * For a database that never completes a prepared branch on its own (no heuristic decisions):
     * XAER_RMERR at a second-phase commit cannot mean "your work was rolled back", as the XA
     * specification reads it, only "something failed"; it becomes XAER_RMFAIL, so the branch stays
     * owed to recovery instead of being reported as a heuristic rollback.
     */
    public static XAException commitErrorIsUnknownOutcome(XAException coded) {
        return coded.errorCode == XAException.XAER_RMERR ? recoded(XAException.XAER_RMFAIL, coded) : coded;
    }

    /** The first SQLException in the cause chain of {@code e}, or null. */
    public static SQLException sqlCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** The SQLState of the first SQLException in the cause chain, or "" when there is none. */
    public static String sqlState(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    }

    /** The vendor error code of the first SQLException in the cause chain, or 0. */
    public static int vendorCode(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql == null ? 0 : sql.getErrorCode();
    }

    /** True when the SQLState says the connection is gone (class 08). */
    public static boolean isConnectionLoss(String sqlState) {
        return sqlState.startsWith("08");
    }

    /**
     * Code 0 (drivers that build XAExceptions without a code) read from the SQL cause: connection
     * lost, deadlock or serialization failure, integrity violation, else XAER_RMERR.
     */
    public static XAException fromSqlCause(XAException e) {
        String state = sqlState(e);
        if (isConnectionLoss(state)) {
            return recoded(XAException.XAER_RMFAIL, e);
        } else if (state.equals("40P01")) {
            return recoded(XAException.XA_RBDEADLOCK, e);
        } else if (state.startsWith("40")) {
            return recoded(XAException.XA_RBTRANSIENT, e);
        } else if (state.startsWith("23")) {
            return recoded(XAException.XA_RBINTEGRITY, e);
        }
        return recoded(XAException.XAER_RMERR, e);
    }

    /** The XA name of a code, e.g. XAER_RMFAIL, for messages and logs. */
    public static String nameOf(int code) {
        return switch (code) {
            case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
            case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
            case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
            case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
            case XAException.XA_RBOTHER -> "XA_RBOTHER";
            case XAException.XA_RBPROTO -> "XA_RBPROTO";
            case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
            case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
            case XAException.XA_NOMIGRATE -> "XA_NOMIGRATE";
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case 0 -> "code 0 (none)";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> "XA code " + code;
        };
    }

    /** True for the XA_RB* codes: the resource manager rolled the branch back itself. */
    public static boolean isRolledBack(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }
}
