package dev.assent.xa.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** A driver XAResource that records each call and fails the ones it is told to. */
final class ScriptedDriver implements XAResource {
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, RuntimeException> crashes = new HashMap<>();
    int vote = XA_OK;
    Xid[] listed = new Xid[0];

    /** The next call named {@code call} (e.g. "end TMSUSPEND", "prepare") fails with {@code code}. */
    ScriptedDriver failing(String call, int code) {
        failures.put(call, code);
        return this;
    }

    ScriptedDriver crashing(String call, RuntimeException e) {
        crashes.put(call, e);
        return this;
    }

    private void record(String call) throws XAException {
        calls.add(call);
        RuntimeException crash = crashes.remove(call);
        if (crash != null) {
            throw crash;
        }
        Integer code = failures.remove(call);
        if (code != null) {
            XAException e = new XAException("scripted failure of " + call);
            e.errorCode = code;
            throw e;
        }
    }

    static String flag(int flags) {
        return switch (flags) {
            case TMNOFLAGS -> "TMNOFLAGS";
            case TMJOIN -> "TMJOIN";
            case TMRESUME -> "TMRESUME";
            case TMSUCCESS -> "TMSUCCESS";
            case TMFAIL -> "TMFAIL";
            case TMSUSPEND -> "TMSUSPEND";
            default -> Integer.toString(flags);
        };
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        record("start " + flag(flags));
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        record("end " + flag(flags));
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        record("prepare");
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        record(onePhase ? "commit 1PC" : "commit");
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        record("rollback");
    }

    @Override
    public void forget(Xid xid) throws XAException {
        record("forget");
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        record("recover");
        return listed.clone();
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        record("setTransactionTimeout");
        return true;
    }
}
