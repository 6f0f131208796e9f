package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static javax.transaction.xa.XAException.XA_HEURCOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.testkit.Eventually;
import dev.assent.tm.testkit.ForwardingXAResource;
import dev.assent.tm.testkit.MutableClock;
import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources and races that a review of the unknown-outcome rules found still able to strand a
 * transaction or guess an outcome: an Error or a sneaky checked exception from a driver at any
 * verb, a branch still starting when completion begins, a branch of a run the log never saw.
 */
class MisbehavingResourceTest extends ScenarioTest {
    /** Daemon threads, so that a thread a defect leaves waiting forever cannot hold the JVM. */
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "review-finding");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void completionLeavesABranchWhoseStartIsStillRunningToTheEnlistingThread() throws Exception {
        // Resources: a enlisted; c enlisted from another thread, held inside c.start() (the
        // enlistment has passed the gate, its association is STARTING and its branch is in the
        // branch list). Fault: the application rolls the transaction back meanwhile.
        // Expected: completion abandons c's association and leaves c's branch to the enlisting
        // thread, as Enlistments' note on concurrency says: no rollback reaches c while its
        // start() is still running (before its end); c's branch is rolled back once, after its end.
        CountDownLatch insideStart = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ScriptedXAResource a = resource("a");
        ScriptedXAResource c = resource("c").on(Verb.START, Reaction.pause(insideStart, proceed));
        Transaction tx = begin(a);
        CompletableFuture<Throwable> enlist =
                CompletableFuture.supplyAsync(() -> catchThrowable(() -> tx.enlistResource(c)), threads);
        assertThat(insideStart.await(10, TimeUnit.SECONDS)).isTrue();

        tx.rollback();
        List<String> whileStarting = c.script();
        proceed.countDown();
        Throwable late = enlist.get(10, TimeUnit.SECONDS);

        assertThat(whileStarting)
                .as("what c received while its start() was still running")
                .noneMatch(call -> call.contains("rollback"));
        assertThat(late).isInstanceOf(RollbackException.class);
        List<String> script = c.script();
        int end = indexOf(script, ".end(");
        int rollback = indexOf(script, ".rollback(");
        assertThat(end).as("c ended in %s", script).isNotNegative();
        assertThat(rollback).as("c rolled back after its end in %s", script).isGreaterThan(end);
        assertThat(c.calls(Verb.ROLLBACK)).isEqualTo(1);
    }

    @Test
    void anErrorFromEndAtCommitRollsBackInsteadOfStrandingTheTransaction() throws Exception {
        // Resources: a (its end() throws an Error, a broken driver), b.
        // Fault: end(TMSUCCESS) of a throws the Error after the beforeCompletion callbacks.
        // Expected: like any failed end (docs/protocols.md §1 step 2): RollbackException, b ended
        // and both branches rolled back, the transaction no longer in flight.
        ScriptedXAResource b = resource("b");
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(new ErrorAtEnd(resource("a")));
        tx.enlistResource(b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(b.script()).contains("b.rollback(x2)");
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(tm.inFlightCount()).isZero();
    }

    @Test
    void anErrorFromEndDuringATimeoutNeitherHangsCommitNorStopsTheReaper() throws Exception {
        // Resources: a (its end() throws an Error, a broken driver), b.
        // Fault: the transaction times out and the reaper's end(TMFAIL) of a throws the Error.
        // Expected: the transaction is rolled back and leaves the in-flight map; the
        // application's commit() throws RollbackException instead of waiting forever for a
        // completion that never comes; the reaper still expires later transactions.
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        AssentTransactionManager manager = start(configure().clock(clock).timeoutCheckInterval(Duration.ofMillis(5)));
        manager.setTransactionTimeout(1);
        ScriptedXAResource b = resource("b");
        manager.begin();
        Transaction tx = manager.getTransaction();
        tx.enlistResource(new ErrorAtEnd(resource("a")));
        tx.enlistResource(b);
        manager.suspend();
        clock.advance(Duration.ofSeconds(2));
        Eventually.await(
                "the reaper to take the transaction",
                Duration.ofSeconds(10),
                () -> safeStatus(tx) != Status.STATUS_ACTIVE);

        CompletableFuture<Throwable> commit = CompletableFuture.supplyAsync(() -> catchThrowable(tx::commit), threads);

        assertThat(commit)
                .as("commit() of the timed-out transaction returns")
                .succeedsWithin(Duration.ofSeconds(5))
                .isInstanceOf(RollbackException.class);
        assertThat(manager.inFlightCount()).isZero();
        ScriptedXAResource d = resource("d");
        Transaction later = begin(manager, d);
        manager.suspend();
        clock.advance(Duration.ofSeconds(2));
        Eventually.await(
                "the reaper to roll back a later transaction",
                Duration.ofSeconds(5),
                () -> safeStatus(later) == Status.STATUS_ROLLEDBACK);
    }

    @Test
    void aCheckedExceptionThrownSneakilyByPrepareCountsAsAFailedResource() throws Exception {
        // Resources: a, b (b's prepare throws an IOException it does not declare, as code built
        // with sneaky throws or in another JVM language can).
        // Expected: like a RuntimeException (docs/protocols.md §2, "Every way out of commit()"):
        // RollbackException with an XAER_RMFAIL cause, a rolled back, the transaction no longer
        // in flight.
        ScriptedXAResource a = resource("a");
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(a);
        tx.enlistResource(new SneakyAtPrepare(resource("b")));

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(xaCause(thrown).errorCode).isEqualTo(XAER_RMFAIL);
        assertThat(a.script()).contains("a.rollback(x1)");
        assertThat(tm.inFlightCount()).isZero();
    }

    @Test
    void aCheckedExceptionThrownSneakilyByForgetStillHandsTheOwedBranchToRecovery() throws Exception {
        // Resources: a (commit answers XA_HEURCOM, which agrees; its forget throws an undeclared
        // IOException), b (commit answers XAER_RMFAIL: owed). Both registered.
        // Expected: commit() returns (the outcome is commit); b's branch is owed to recovery and
        // the next scan commits it; the transaction is no longer in flight.
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XA_HEURCOM);
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager manager = start(configure()
                .recoveryResource("a", () -> a)
                .recoveryResource("b", () -> b)
                .recoveryInterval(Duration.ZERO));
        manager.begin();
        Transaction tx = manager.getTransaction();
        tx.enlistResource(new SneakyAtForget(a));
        tx.enlistResource(b);

        Throwable thrown = catchThrowable(manager::commit);

        assertThat(thrown).isNull();
        assertThat(manager.inFlightCount()).isZero();
        assertThat(manager.recover().committed()).hasSize(1);
        assertThat(b.inDoubt()).isEmpty();
    }

    @Test
    void aBranchOfARunTheDurableLogNeverSawIsNeverRolledBack(@TempDir Path logDirectory) throws Exception {
        // Resources: a, b. Fault: a first run of node "test" with an in-memory log commits; b's
        // commit fails with XAER_RMFAIL, so b's branch of a committed transaction stays prepared
        // (a's is committed). The node is restarted with a durable log (same node id, new
        // directory: the first run of a new log), b registered; the grace period passes.
        // Expected: the durable log has no memory of that run, so the branch may belong to a
        // committed transaction (this one did): it is left prepared and reported for an operator
        // (docs/protocols.md §2, "A log without memory"), never rolled back. The same holds for
        // any Xid whose incarnation is not a run this log recorded (a log directory that was replaced).
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager first = start(configure().recoveryInterval(Duration.ZERO));
        begin(first, a, b);
        first.commit();
        first.close();
        assertThat(b.inDoubt()).hasSize(1);

        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        AssentTransactionManager second = start(Assent.configure()
                .nodeId("test")
                .logDirectory(logDirectory)
                .listener(listener)
                .clock(clock)
                .recoveryResource("b", () -> b)
                .recoveryInterval(Duration.ZERO));
        clock.advance(Duration.ofMinutes(2));
        second.recover();
        clock.advance(Duration.ofMinutes(2));
        RecoveryReport report = second.recover();

        assertThat(b.script()).noneMatch(call -> call.contains("rollback"));
        assertThat(b.inDoubt()).hasSize(1);
        assertThat(report.rolledBack()).isEmpty();
        assertThat(report.isComplete()).isFalse();
    }

    @Test
    void anErrorFromARecoveryResourceDoesNotStopPeriodicRecovery() throws Exception {
        // Resources: x and a, both registered for recovery; x's second recover() (the first
        // periodic scan) throws an Error (a broken driver).
        // Expected: that scan fails and is logged; the following periodic scans still run, so
        // owed commits keep being retried (here: a is asked again and again).
        ScriptedXAResource a = resource("a");
        AtomicInteger xRecovers = new AtomicInteger();
        XAResource x = new ForwardingXAResource(resource("x")) {
            @Override
            public Xid[] recover(int flag) throws XAException {
                if (xRecovers.incrementAndGet() == 2) {
                    throw new AssertionError("driver bug at recover");
                }
                return super.recover(flag);
            }
        };
        start(configure()
                .recoveryResource("x", () -> x)
                .recoveryResource("a", () -> a)
                .recoveryInterval(Duration.ofMillis(20)));

        Eventually.await(
                "periodic scans after the failed one", Duration.ofSeconds(5), () -> a.calls(Verb.RECOVER) >= 4);
    }

    private static int safeStatus(Transaction tx) {
        try {
            return tx.getStatus();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(List<String> script, String part) {
        for (int i = 0; i < script.size(); i++) {
            if (script.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }

    /** Throws an Error from end(), as a broken driver might. */
    private static final class ErrorAtEnd extends ForwardingXAResource {
        ErrorAtEnd(XAResource target) {
            super(target);
        }

        @Override
        public void end(Xid xid, int flags) {
            throw new AssertionError("driver bug at end");
        }
    }

    /** Throws an undeclared checked exception from prepare. */
    private static final class SneakyAtPrepare extends ForwardingXAResource {
        SneakyAtPrepare(XAResource target) {
            super(target);
        }

        @Override
        public int prepare(Xid xid) {
            throw MisbehavingResourceTest.<RuntimeException>sneaky(new IOException("connection reset at prepare"));
        }
    }

    /** Throws an undeclared checked exception from forget; everything else is passed on. */
    private static final class SneakyAtForget extends ForwardingXAResource {
        SneakyAtForget(XAResource target) {
            super(target);
        }

        @Override
        public void forget(Xid xid) {
            throw MisbehavingResourceTest.<RuntimeException>sneaky(new IOException("connection reset at forget"));
        }
    }
}
