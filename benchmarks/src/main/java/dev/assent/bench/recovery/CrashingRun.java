package dev.assent.bench.recovery;

import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;

/**
 * The process that leaves the crash state behind (run in a JVM of its own by {@link
 * RecoveryTimeBenchmark}): N two-branch transactions, each committed in two phases by the manager
 * under test over two {@link BranchStore}s, none of whose branches is committed, then a halt.
 *
 * <p>How: both resources prepare for real (a forced PREPARED record each) and vote yes, so the
 * manager forces its commit decision to its log; then phase two finds the resource managers
 * unreachable ({@code commit} answers {@code XAER_RMFAIL} without touching the store), so the
 * manager keeps the decision in its log and owes both branches to recovery. Transactions 1 to N-1
 * run on a few threads; once they have all returned, transaction N runs alone, and its first
 * phase-two {@code commit} halts the JVM ({@code Runtime.halt}: no shutdown hook, no log close).
 * What is left: N forced commit decisions with no completion, and N prepared branches in each
 * store, as if the process had died with N transactions between decision and phase two.
 *
 * <p>Arguments: manager id, work directory, N, threads.
 */
public final class CrashingRun {
    /** The exit status of the halt: anything else means the crash state was not made. */
    public static final int HALTED = 77;

    private CrashingRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: CrashingRun MANAGER WORK_DIR TRANSACTIONS THREADS");
        }
        RecoveryTarget target = RecoveryTarget.byId(args[0]);
        Path work = Path.of(args[1]);
        int transactions = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        if (transactions < 1 || threads < 1) {
            throw new IllegalArgumentException("transactions and threads must be positive");
        }
        AtomicBoolean last = new AtomicBoolean();
        StoreXAResource.PhaseTwoGate unreachable = xid -> {
            if (last.get()) {
                Runtime.getRuntime().halt(HALTED);
            }
            throw StoreXAResource.error(
                    XAException.XAER_RMFAIL, "resource manager unreachable for phase two (benchmark crash set-up)");
        };
        // Commits never reach the stores here, so their commit mode does not matter.
        List<StoreXAResource> resources = new ArrayList<>();
        for (String name : WorkDirectory.RESOURCE_MANAGERS) {
            BranchStore store = BranchStore.open(WorkDirectory.store(work, name), ResourceCommit.FORCED);
            resources.add(new StoreXAResource(name, store, unreachable));
        }
        TransactionManager tm = target.startForCrash(WorkDirectory.log(work));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < transactions) {
                        commitBoth(tm, resources);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        last.set(true);
        commitBoth(tm, resources);
        throw new IllegalStateException("transaction " + transactions + " returned without its phase two: the manager"
                + " never called commit on the resources, so no crash state was made");
    }

    private static void commitBoth(TransactionManager tm, List<StoreXAResource> resources) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        for (StoreXAResource resource : resources) {
            if (!tx.enlistResource(resource)) {
                tm.rollback();
                throw new IllegalStateException("the manager refused to enlist " + resource);
            }
        }
        tm.commit();
    }
}
