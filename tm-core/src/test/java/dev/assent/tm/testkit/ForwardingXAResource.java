package dev.assent.tm.testkit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Passes every call on to another XAResource; a scenario subclasses it to change one verb (a
 * driver that throws an Error, loses a reply, lies). Not a NamedXAResource, and isSameRM is the
 * target's, unless a subclass says otherwise.
 */
public class ForwardingXAResource implements XAResource {
    private final XAResource target;

    public ForwardingXAResource(XAResource target) {
        this.target = target;
    }

    protected XAResource target() {
        return target;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        target.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        target.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return target.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        target.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        target.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        target.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return target.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return target.isSameRM(other);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return target.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return target.setTransactionTimeout(seconds);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + target + "]";
    }
}
