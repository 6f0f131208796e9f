package dev.assent.bench.recovery;

import dev.assent.tm.spi.NamedXAResource;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XA connection to a {@link BranchStore}: prepare makes the branch durable and votes
 * {@code XA_OK}, commit and rollback finish a prepared branch ({@code XAER_NOTA} for one the store
 * does not hold), {@code recover(TMSTARTRSCAN)} lists every prepared branch. It names its resource
 * manager, so Assent logs each branch under that name; other managers see a plain XAResource. It is
 * deliberately not {@code Serializable}: a manager must find it again after a crash through its
 * recovery registration, not from a copy in its own log.
 *
 * <p>A {@link PhaseTwoGate} runs before each two-phase commit reaches the store: the crashing
 * process uses it to make the resource manager unreachable for phase two and to halt the JVM.
 */
public final class StoreXAResource implements NamedXAResource {

    /** Runs before a two-phase commit reaches the store; may throw instead, or never return. */
    @FunctionalInterface
    public interface PhaseTwoGate {
        PhaseTwoGate OPEN = xid -> {};

        void beforeCommit(Xid xid) throws XAException;
    }

    private final String name;
    private final BranchStore store;
    private final PhaseTwoGate gate;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong unknownCommits = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong recoverScans = new AtomicLong();

    public StoreXAResource(String name, BranchStore store, PhaseTwoGate gate) {
        this.name = name;
        this.store = store;
        this.gate = gate;
    }

    @Override
    public String resourceManagerName() {
        return name;
    }

    /** Two-phase commits that committed a prepared branch. */
    public long commits() {
        return commits.get();
    }

    /** Two-phase commits of a branch the store did not hold (answered XAER_NOTA). */
    public long unknownCommits() {
        return unknownCommits.get();
    }

    /** Rollbacks asked for, whether or not the store held the branch. */
    public long rollbacks() {
        return rollbacks.get();
    }

    /** {@code recover} calls that started a scan. */
    public long recoverScans() {
        return recoverScans.get();
    }

    @Override
    public void start(Xid xid, int flags) {}

    @Override
    public void end(Xid xid, int flags) {}

    @Override
    public int prepare(Xid xid) throws XAException {
        try {
            store.prepare(xid);
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, name + " could not prepare " + xid + ": " + e);
        }
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (onePhase) {
            // Every benchmark transaction has two branches; a one-phase commit is a manager's mistake.
            throw error(XAException.XAER_PROTO, name + ": one-phase commit of " + xid + " not expected");
        }
        gate.beforeCommit(xid);
        boolean held;
        try {
            held = store.commit(xid);
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, name + " could not commit " + xid + ": " + e);
        }
        if (!held) {
            unknownCommits.incrementAndGet();
            throw error(XAException.XAER_NOTA, name + " holds no prepared branch " + xid);
        }
        commits.incrementAndGet();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        rollbacks.incrementAndGet();
        boolean held;
        try {
            held = store.rollback(xid);
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, name + " could not roll back " + xid + ": " + e);
        }
        if (!held) {
            throw error(XAException.XAER_NOTA, name + " holds no prepared branch " + xid);
        }
    }

    /** Every prepared branch at the start of a scan ({@code TMSTARTRSCAN}); nothing on later calls. */
    @Override
    public Xid[] recover(int flag) {
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0];
        }
        recoverScans.incrementAndGet();
        return store.prepared().toArray(new Xid[0]);
    }

    @Override
    public void forget(Xid xid) {}

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof StoreXAResource that && that.store == store;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    @Override
    public String toString() {
        return "StoreXAResource[" + name + "]";
    }

    static XAException error(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }
}
