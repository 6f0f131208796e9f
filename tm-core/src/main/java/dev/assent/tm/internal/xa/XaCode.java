package dev.assent.tm.internal.xa;

import javax.transaction.xa.XAException;

/**
 * Every return and error code of the XA specification, so that {@link XaOutcomes} can switch
 * over them exhaustively (the compiler checks that each verb's switch names every code).
 */
public enum XaCode {
    XA_OK(javax.transaction.xa.XAResource.XA_OK),
    XA_RDONLY(XAException.XA_RDONLY),
    XA_RETRY(XAException.XA_RETRY),
    XA_HEURMIX(XAException.XA_HEURMIX),
    XA_HEURRB(XAException.XA_HEURRB),
    XA_HEURCOM(XAException.XA_HEURCOM),
    XA_HEURHAZ(XAException.XA_HEURHAZ),
    XA_NOMIGRATE(XAException.XA_NOMIGRATE),
    XA_RBROLLBACK(XAException.XA_RBROLLBACK),
    XA_RBCOMMFAIL(XAException.XA_RBCOMMFAIL),
    XA_RBDEADLOCK(XAException.XA_RBDEADLOCK),
    XA_RBINTEGRITY(XAException.XA_RBINTEGRITY),
    XA_RBOTHER(XAException.XA_RBOTHER),
    XA_RBPROTO(XAException.XA_RBPROTO),
    XA_RBTIMEOUT(XAException.XA_RBTIMEOUT),
    XA_RBTRANSIENT(XAException.XA_RBTRANSIENT),
    XAER_ASYNC(XAException.XAER_ASYNC),
    XAER_RMERR(XAException.XAER_RMERR),
    XAER_NOTA(XAException.XAER_NOTA),
    XAER_INVAL(XAException.XAER_INVAL),
    XAER_PROTO(XAException.XAER_PROTO),
    XAER_RMFAIL(XAException.XAER_RMFAIL),
    XAER_DUPID(XAException.XAER_DUPID),
    XAER_OUTSIDE(XAException.XAER_OUTSIDE),
    /** A code the XA specification does not define; never treated as success. */
    UNKNOWN(Integer.MIN_VALUE);

    private final int code;

    XaCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static XaCode of(int code) {
        for (XaCode candidate : values()) {
            if (candidate.code == code && candidate != UNKNOWN) {
                return candidate;
            }
        }
        return UNKNOWN;
    }

    public static XaCode of(XAException e) {
        return of(e.errorCode);
    }

    /** The code's name for logs and messages, e.g. "XAER_RMFAIL", or "code 42" when unknown. */
    public static String nameOf(int code) {
        XaCode known = of(code);
        return known == UNKNOWN ? "unknown XA code " + code : known.name();
    }

    /** Builds an XAException that carries its code (CONTRIBUTING.md rule 6). */
    public static XAException exception(int code, String message) {
        XAException e = new XAException(message + " (" + nameOf(code) + ")");
        e.errorCode = code;
        return e;
    }
}
