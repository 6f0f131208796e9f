package dev.assent.tm.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * Every code the X/Open XA specification defines, by name, so that scenarios can be
 * parameterized over them and journals print {@code XAER_RMFAIL} rather than {@code -7}.
 */
public final class XaCodes {
    /** A code no XA specification defines; a transaction manager must never read it as success. */
    public static final int UNDEFINED = 42;

    /** XA_RB*: the resource manager rolled the branch back (and forgot it). */
    public static final List<Integer> ROLLBACK_CODES = List.of(
            XAException.XA_RBROLLBACK,
            XAException.XA_RBCOMMFAIL,
            XAException.XA_RBDEADLOCK,
            XAException.XA_RBINTEGRITY,
            XAException.XA_RBOTHER,
            XAException.XA_RBPROTO,
            XAException.XA_RBTIMEOUT,
            XAException.XA_RBTRANSIENT);

    private static final Map<Integer, String> NAMES = names();

    private XaCodes() {}

    private static Map<Integer, String> names() {
        Map<Integer, String> names = new LinkedHashMap<>();
        names.put(XAResource.XA_OK, "XA_OK");
        names.put(XAException.XA_RDONLY, "XA_RDONLY");
        names.put(XAException.XA_RETRY, "XA_RETRY");
        names.put(XAException.XA_HEURMIX, "XA_HEURMIX");
        names.put(XAException.XA_HEURRB, "XA_HEURRB");
        names.put(XAException.XA_HEURCOM, "XA_HEURCOM");
        names.put(XAException.XA_HEURHAZ, "XA_HEURHAZ");
        names.put(XAException.XA_NOMIGRATE, "XA_NOMIGRATE");
        names.put(XAException.XA_RBROLLBACK, "XA_RBROLLBACK");
        names.put(XAException.XA_RBCOMMFAIL, "XA_RBCOMMFAIL");
        names.put(XAException.XA_RBDEADLOCK, "XA_RBDEADLOCK");
        names.put(XAException.XA_RBINTEGRITY, "XA_RBINTEGRITY");
        names.put(XAException.XA_RBOTHER, "XA_RBOTHER");
        names.put(XAException.XA_RBPROTO, "XA_RBPROTO");
        names.put(XAException.XA_RBTIMEOUT, "XA_RBTIMEOUT");
        names.put(XAException.XA_RBTRANSIENT, "XA_RBTRANSIENT");
        names.put(XAException.XAER_ASYNC, "XAER_ASYNC");
        names.put(XAException.XAER_RMERR, "XAER_RMERR");
        names.put(XAException.XAER_NOTA, "XAER_NOTA");
        names.put(XAException.XAER_INVAL, "XAER_INVAL");
        names.put(XAException.XAER_PROTO, "XAER_PROTO");
        names.put(XAException.XAER_RMFAIL, "XAER_RMFAIL");
        names.put(XAException.XAER_DUPID, "XAER_DUPID");
        names.put(XAException.XAER_OUTSIDE, "XAER_OUTSIDE");
        return Map.copyOf(names);
    }

    /** Every code the XA specification defines (24 of them), XA_OK included. */
    public static List<Integer> all() {
        return List.of(
                XAResource.XA_OK,
                XAException.XA_RDONLY,
                XAException.XA_RETRY,
                XAException.XA_HEURMIX,
                XAException.XA_HEURRB,
                XAException.XA_HEURCOM,
                XAException.XA_HEURHAZ,
                XAException.XA_NOMIGRATE,
                XAException.XA_RBROLLBACK,
                XAException.XA_RBCOMMFAIL,
                XAException.XA_RBDEADLOCK,
                XAException.XA_RBINTEGRITY,
                XAException.XA_RBOTHER,
                XAException.XA_RBPROTO,
                XAException.XA_RBTIMEOUT,
                XAException.XA_RBTRANSIENT,
                XAException.XAER_ASYNC,
                XAException.XAER_RMERR,
                XAException.XAER_NOTA,
                XAException.XAER_INVAL,
                XAException.XAER_PROTO,
                XAException.XAER_RMFAIL,
                XAException.XAER_DUPID,
                XAException.XAER_OUTSIDE);
    }

    public static boolean isRollbackCode(int code) {
        return code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND;
    }

    /** "XAER_RMFAIL", or "undefined code 42". */
    public static String name(int code) {
        String name = NAMES.get(code);
        return name != null ? name : "undefined code " + code;
    }
}
