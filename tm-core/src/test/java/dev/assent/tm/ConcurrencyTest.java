package dev.assent.tm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.testkit.Eventually;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * Many threads, many transactions, one transaction manager: every branch must be completed
 * exactly once (committed once or rolled back once, never both, never twice), in the XA order
 * start, end, [prepare], commit|rollback; and nothing may be left behind (no thread still
 * associated, no transaction in flight, nothing waiting for the timeout reaper).
 */
class ConcurrencyTest {
    private static final int THREADS = 16;
    private static final int TRANSACTIONS_PER_THREAD = 400;
    private static final int EXPIRING_TRANSACTIONS = 6;

    @Test
    void everyBranchCompletesExactlyOnceUnderLoad() throws Exception {
        // Resources: a pool of 4 checking resources, 1 to 3 enlisted per transaction (one-phase and
        // two-phase). Fault: a random tenth of the transactions are marked rollback-only, a
        // random twentieth vote NO, and a few expire while other threads commit.
        // Expected: each branch completed exactly once; outcomes add up; nothing leaks.
        ProtocolChecker checker = new ProtocolChecker();
        try (AssentTransactionManager tm = Assent.configure()
                .nodeId("concurrency")
                .inMemoryLog()
                .parallelCompletion(4)
                .timeoutCheckInterval(Duration.ofMillis(10))
                .build()) {
            AtomicInteger committed = new AtomicInteger();
            AtomicInteger rolledBack = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < THREADS; t++) {
                long seed = 1000 + t;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        runTransactions(tm, checker, new SplittableRandom(seed), committed, rolledBack);
                        assertThat(tm.getTransaction()).isNull();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }));
            }
            for (int t = 0; t < EXPIRING_TRANSACTIONS; t++) {
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        expireOne(tm, checker);
                        rolledBack.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }

            assertThat(unexpected).isEmpty();
            assertThat(committed.get() + rolledBack.get())
                    .isEqualTo(THREADS * TRANSACTIONS_PER_THREAD + EXPIRING_TRANSACTIONS);
            assertThat(checker.violations).isEmpty();
            assertThat(checker.branches()).isGreaterThan(THREADS * TRANSACTIONS_PER_THREAD);
            assertThat(checker.completedBranchesOf(true)).isGreaterThan(0);
            assertThat(checker.completedBranchesOf(false)).isGreaterThan(0);
            assertThat(checker.unfinishedBranches()).isEmpty();
            assertThat(tm.inFlightCount()).isZero();
            assertThat(tm.awaitingTimeoutCount()).isZero();
        }
    }

    private static void runTransactions(
            AssentTransactionManager tm,
            ProtocolChecker checker,
            SplittableRandom random,
            AtomicInteger committed,
            AtomicInteger rolledBack)
            throws Exception {
        for (int i = 0; i < TRANSACTIONS_PER_THREAD; i++) {
            tm.begin();
            int branches = 1 + random.nextInt(3);
            boolean voteNo = random.nextInt(20) == 0 && branches > 1;
            for (int b = 0; b < branches; b++) {
                tm.getTransaction().enlistResource(checker.newResource(voteNo && b == branches - 1));
            }
            if (random.nextInt(10) == 0) {
                tm.setRollbackOnly();
            }
            try {
                if (tm.getStatus() == Status.STATUS_MARKED_ROLLBACK && random.nextBoolean()) {
                    tm.rollback();
                    rolledBack.incrementAndGet();
                } else {
                    tm.commit();
                    committed.incrementAndGet();
                }
            } catch (RollbackException expected) {
                rolledBack.incrementAndGet();
            }
        }
    }

    private static void expireOne(AssentTransactionManager tm, ProtocolChecker checker) throws Exception {
        tm.setTransactionTimeout(1);
        tm.begin();
        tm.getTransaction().enlistResource(checker.newResource(false));
        tm.getTransaction().enlistResource(checker.newResource(false));
        Eventually.await(
                "the reaper to roll the transaction back",
                Duration.ofSeconds(20),
                () -> tm.getStatus() == Status.STATUS_ROLLEDBACK);
        try {
            tm.commit();
            throw new AssertionError("an expired transaction committed");
        } catch (RollbackException expected) {
            assertThat(tm.getTransaction()).isNull();
        }
    }

    /** Resources that check the XA order of every call they receive, per branch. */
    private static final class ProtocolChecker {
        final List<String> violations = new CopyOnWriteArrayList<>();
        final Map<Xid, String> lastVerb = new ConcurrentHashMap<>();
        final Map<Xid, Boolean> outcome = new ConcurrentHashMap<>();

        XAResource newResource(boolean voteNo) {
            return new CheckingResource(this, voteNo);
        }

        int branches() {
            return lastVerb.size();
        }

        long completedBranchesOf(boolean committed) {
            return outcome.values().stream().filter(c -> c == committed).count();
        }

        List<Xid> unfinishedBranches() {
            List<Xid> unfinished = new ArrayList<>();
            lastVerb.forEach((xid, verb) -> {
                if (!outcome.containsKey(xid)) {
                    unfinished.add(xid);
                }
            });
            return unfinished;
        }

        void step(Xid xid, String verb, String... allowedPrevious) {
            String previous = verb.equals("start") ? lastVerb.putIfAbsent(xid, verb) : lastVerb.put(xid, verb);
            if (verb.equals("start") && previous == null) {
                return;
            }
            for (String allowed : allowedPrevious) {
                if (allowed.equals(previous)) {
                    return;
                }
            }
            violations.add(verb + " after " + previous + " on " + xid);
        }

        void complete(Xid xid, boolean committed) {
            Boolean earlier = outcome.putIfAbsent(xid, committed);
            if (earlier != null) {
                violations.add("branch " + xid + " completed twice: " + earlier + " then " + committed);
            }
        }
    }

    private static final class CheckingResource implements XAResource {
        private final ProtocolChecker checker;
        private final boolean voteNo;

        CheckingResource(ProtocolChecker checker, boolean voteNo) {
            this.checker = checker;
            this.voteNo = voteNo;
        }

        @Override
        public void start(Xid xid, int flags) {
            checker.step(xid, "start");
        }

        @Override
        public void end(Xid xid, int flags) {
            checker.step(xid, "end", "start");
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            checker.step(xid, "prepare", "end");
            if (voteNo) {
                XAException no = new XAException("scripted NO vote");
                no.errorCode = XAException.XA_RBINTEGRITY;
                checker.complete(xid, false);
                throw no;
            }
            return XA_OK;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) {
            checker.step(xid, "commit", onePhase ? "end" : "prepare");
            checker.complete(xid, true);
        }

        @Override
        public void rollback(Xid xid) {
            checker.step(xid, "rollback", "end", "prepare");
            checker.complete(xid, false);
        }

        @Override
        public void forget(Xid xid) {
            checker.violations.add("forget without a heuristic on " + xid);
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
            return true;
        }
    }
}
