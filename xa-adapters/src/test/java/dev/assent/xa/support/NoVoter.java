package dev.assent.xa.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** A second participant that votes no at prepare (as a failing second database would). */
public final class NoVoter implements XAResource {
    public final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void start(Xid xid, int flags) {
        calls.add("start");
    }

    @Override
    public void end(Xid xid, int flags) {
        calls.add("end");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        calls.add("prepare");
        XAException no = new XAException("the second resource votes no");
        no.errorCode = XAException.XA_RBROLLBACK;
        throw no;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        calls.add("commit");
    }

    @Override
    public void rollback(Xid xid) {
        calls.add("rollback");
    }

    @Override
    public void forget(Xid xid) {
        calls.add("forget");
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
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
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
