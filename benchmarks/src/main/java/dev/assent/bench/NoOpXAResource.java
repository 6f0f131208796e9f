package dev.assent.bench;

import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A participant that does no work: every verb succeeds at once and {@code prepare} votes
 * {@code XA_OK}, so a benchmark measures the coordinator and its log, nothing else.
 *
 * <p>Two instances belong to the same resource manager when their {@code resourceManager} names
 * are equal, as two connections to one database would; the benchmark gives each thread its own
 * pair of instances ("rm-a", "rm-b"), like a thread holding one connection to each of two
 * databases.
 *
 * <p>Note on concurrency: the counters are written by whichever thread a manager runs the XA verb
 * on (some complete branches on their own threads) and read by tests after the run.
 */
public final class NoOpXAResource implements XAResource {
    private final String resourceManager;
    private final AtomicLong prepares = new AtomicLong();
    private final AtomicLong twoPhaseCommits = new AtomicLong();
    private final AtomicLong onePhaseCommits = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();

    public NoOpXAResource(String resourceManager) {
        this.resourceManager = resourceManager;
    }

    /** The resource manager this instance stands for; managers that want a name get this one. */
    public String resourceManager() {
        return resourceManager;
    }

    public long prepares() {
        return prepares.get();
    }

    public long twoPhaseCommits() {
        return twoPhaseCommits.get();
    }

    public long onePhaseCommits() {
        return onePhaseCommits.get();
    }

    public long rollbacks() {
        return rollbacks.get();
    }

    @Override
    public void start(Xid xid, int flags) {}

    @Override
    public void end(Xid xid, int flags) {}

    @Override
    public int prepare(Xid xid) {
        prepares.incrementAndGet();
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        (onePhase ? onePhaseCommits : twoPhaseCommits).incrementAndGet();
    }

    @Override
    public void rollback(Xid xid) {
        rollbacks.incrementAndGet();
    }

    @Override
    public void forget(Xid xid) {}

    @Override
    public Xid[] recover(int flag) throws XAException {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof NoOpXAResource that && resourceManager.equals(that.resourceManager);
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return true;
    }

    @Override
    public String toString() {
        return "NoOpXAResource[" + resourceManager + "]";
    }
}
