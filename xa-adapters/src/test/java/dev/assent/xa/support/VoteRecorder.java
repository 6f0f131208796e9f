package dev.assent.xa.support;

import dev.assent.tm.spi.TransactionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.Xid;

/** Records the votes, enlistments and timeouts the transaction manager reports. */
public final class VoteRecorder implements TransactionListener {
    public final List<Vote> votes = new CopyOnWriteArrayList<>();
    public final List<String> enlisted = new CopyOnWriteArrayList<>();
    private final CountDownLatch timedOut = new CountDownLatch(1);

    @Override
    public void prepared(Xid branchXid, Vote vote) {
        votes.add(vote);
    }

    @Override
    public void enlisted(Xid branchXid, String resourceManagerName) {
        enlisted.add(resourceManagerName);
    }

    @Override
    public void timedOut(Xid transactionId) {
        timedOut.countDown();
    }

    /** Waits until the reaper has rolled a transaction back. */
    public boolean awaitTimeout(long millis) throws InterruptedException {
        return timedOut.await(millis, TimeUnit.MILLISECONDS);
    }
}
