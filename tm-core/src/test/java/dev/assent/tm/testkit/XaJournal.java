package dev.assent.tm.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The calls that a group of {@link ScriptedXAResource}s received, in the order they arrived.
 * Scenarios assert on its script: each call rendered the way it reads in Java, with every
 * distinct Xid named x1, x2... in order of first appearance, e.g.
 *
 * <pre>
 *   "a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)"
 * </pre>
 *
 * <p>Note on concurrency: resources record from any thread (phase threads, the timeout reaper);
 * every field is guarded by {@code this}.
 */
public final class XaJournal {
    private static final HexFormat HEX = HexFormat.of();

    private final List<XaCall> calls = new ArrayList<>();
    private final Map<String, String> xidLabels = new LinkedHashMap<>();

    /** A resource that is its own resource manager: its rm name is its label. */
    public ScriptedXAResource resource(String label) {
        return new ScriptedXAResource(this, label, label);
    }

    /** A resource of resource manager {@code rmName}: isSameRM is true between equal names. */
    public ScriptedXAResource resource(String label, String rmName) {
        return new ScriptedXAResource(this, label, rmName);
    }

    synchronized void record(XaCall call) {
        calls.add(call);
        if (call.xid() != null) {
            label(call.xid());
        }
        notifyAll();
    }

    /** Every call, in order. */
    public synchronized List<XaCall> calls() {
        return List.copyOf(calls);
    }

    /** The protocol calls (start, end, prepare, commit, rollback, forget, recover), rendered. */
    public List<String> script() {
        return render(call -> call.verb().isProtocol());
    }

    /** The protocol calls one resource received, rendered. */
    public List<String> script(String resource) {
        return render(call -> call.verb().isProtocol() && call.resource().equals(resource));
    }

    /** Every call, queries (isSameRM, transaction timeouts) included, rendered. */
    public List<String> fullScript() {
        return render(call -> true);
    }

    /** The name of an Xid in rendered scripts ("x1" for the first Xid seen, and so on). */
    public synchronized String label(Xid xid) {
        return xidLabels.computeIfAbsent(key(xid), k -> "x" + (xidLabels.size() + 1));
    }

    /** The distinct Xids seen, in order of first appearance. */
    public synchronized List<Xid> xids() {
        Map<String, Xid> distinct = new LinkedHashMap<>();
        for (XaCall call : calls) {
            if (call.xid() != null) {
                distinct.putIfAbsent(key(call.xid()), call.xid());
            }
        }
        return List.copyOf(distinct.values());
    }

    /**
     * Waits until some call matches, for at most {@code timeout}.
     *
     * @return true if one did
     */
    public synchronized boolean await(Predicate<XaCall> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (calls.stream().noneMatch(condition)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
        return true;
    }

    private synchronized List<String> render(Predicate<XaCall> filter) {
        List<String> rendered = new ArrayList<>();
        for (XaCall call : calls) {
            if (filter.test(call)) {
                rendered.add(render(call));
            }
        }
        return rendered;
    }

    private String render(XaCall call) {
        String target = call.resource() + ".";
        switch (call.verb()) {
            case START:
                return target + "start(" + label(call.xid()) + ", " + flagNames(call.flags()) + ")";
            case END:
                return target + "end(" + label(call.xid()) + ", " + flagNames(call.flags()) + ")";
            case PREPARE:
                return target + "prepare(" + label(call.xid()) + ")";
            case COMMIT:
                return target + "commit(" + label(call.xid()) + ", " + (call.flags() == XAResource.TMONEPHASE) + ")";
            case ROLLBACK:
                return target + "rollback(" + label(call.xid()) + ")";
            case FORGET:
                return target + "forget(" + label(call.xid()) + ")";
            case RECOVER:
                return target + "recover(" + flagNames(call.flags()) + ")";
            case IS_SAME_RM:
                return target + "isSameRM()";
            case SET_TRANSACTION_TIMEOUT:
                return target + "setTransactionTimeout(" + call.flags() + ")";
            case GET_TRANSACTION_TIMEOUT:
                return target + "getTransactionTimeout()";
        }
        throw new AssertionError(call.verb());
    }

    private static String key(Xid xid) {
        return xid.getFormatId() + ":" + HEX.formatHex(xid.getGlobalTransactionId()) + ":"
                + HEX.formatHex(xid.getBranchQualifier());
    }

    /** "TMNOFLAGS", "TMJOIN", "TMSTARTRSCAN|TMENDRSCAN"... */
    public static String flagNames(int flags) {
        if (flags == XAResource.TMNOFLAGS) {
            return "TMNOFLAGS";
        }
        StringJoiner names = new StringJoiner("|");
        int rest = flags;
        int[] known = {
            XAResource.TMJOIN,
            XAResource.TMRESUME,
            XAResource.TMSUCCESS,
            XAResource.TMFAIL,
            XAResource.TMSUSPEND,
            XAResource.TMONEPHASE,
            XAResource.TMSTARTRSCAN,
            XAResource.TMENDRSCAN
        };
        String[] knownNames = {
            "TMJOIN", "TMRESUME", "TMSUCCESS", "TMFAIL", "TMSUSPEND", "TMONEPHASE", "TMSTARTRSCAN", "TMENDRSCAN"
        };
        for (int i = 0; i < known.length; i++) {
            if ((rest & known[i]) != 0) {
                names.add(knownNames[i]);
                rest &= ~known[i];
            }
        }
        if (rest != 0) {
            names.add("0x" + Integer.toHexString(rest));
        }
        return names.toString();
    }
}
