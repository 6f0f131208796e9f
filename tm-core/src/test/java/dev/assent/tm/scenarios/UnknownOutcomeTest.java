package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static javax.transaction.xa.XAException.XA_HEURMIX;
import static javax.transaction.xa.XAException.XA_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.spi.NamedXAResource;
import dev.assent.tm.testkit.Eventually;
import dev.assent.tm.testkit.ForwardingXAResource;
import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * Where the outcome is not known, Assent reports it and never guesses (docs/protocols.md §2); and
 * every way out of commit() leaves the transaction completed or owed.
 */
class UnknownOutcomeTest extends ScenarioTest {

    @Test
    void anOwedBranchOfAnUnnamedResourceStaysOwedUntilAResourceListsItAndCommitsIt() throws Exception {
        // Resources: a (named, registered), b reached through an unnamed XAResource (as a raw
        // driver's, whose isSameRM matches no registered resource). Fault: b's commit fails with
        // XAER_RMFAIL, so b's branch is owed. Scans run while only "a" is registered; then b's
        // resource manager is registered under a name.
        // Expected: the scans keep b's branch owed (its absence from a's list proves nothing); once
        // b is registered, recovery commits the branch; it is never rolled back.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager manager = start(configure()
                .recoveryResource("a", () -> a)
                .recoveryInterval(Duration.ZERO)
                .orphanGracePeriod(Duration.ZERO));
        manager.begin();
        manager.getTransaction().enlistResource(a);
        manager.getTransaction().enlistResource(new Unnamed(b));
        manager.commit();

        RecoveryReport whileUnregistered = manager.recover();
        assertThat(whileUnregistered.stillOwed()).singleElement().asString().contains("no resource manager name");
        assertThat(manager.recover().isComplete()).isFalse();

        // Registration also starts a scan in the background; either scan may do the commit.
        manager.addRecoveryResource("b", () -> b);
        RecoveryReport afterRegistration = manager.recover();

        assertThat(afterRegistration.rolledBack()).isEmpty();
        assertThat(b.script()).contains("b.commit(x2, false)").noneMatch(call -> call.contains("rollback"));
        assertThat(b.calls(Verb.COMMIT)).isEqualTo(2);
        assertThat(b.inDoubt()).isEmpty();
        assertThat(manager.recover().isComplete()).isTrue();
    }

    @Test
    void anOwedBranchThatVanishesWithoutACommitAppliedIsAHazard() throws Exception {
        // Resources: a, b (b registered). Fault: b answers its commit with XA_RETRY ("not now":
        // nothing was applied), then loses the prepared branch (a lying or broken driver).
        // Expected: the scan that no longer finds the branch records a heuristic hazard for the
        // operator instead of marking it finished.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XA_RETRY);
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        begin(manager, a, b);
        manager.commit();
        Xid lost = b.inDoubt().get(0);
        b.forget(lost); // the resource manager drops the prepared branch

        RecoveryReport report = manager.recover();

        assertThat(report.committed()).isEmpty();
        assertThat(report.heuristics()).singleElement().satisfies(outcome -> {
            assertThat(outcome.branchXid()).isEqualTo(lost);
            assertThat(outcome.resourceManagerName()).isEqualTo("b");
            assertThat(outcome.outcome()).isEqualTo("XA_HEURHAZ");
            assertThat(outcome.decidedCommit()).isTrue();
        });
    }

    @Test
    void anOwedBranchThatVanishesAfterACommitWhoseReplyWasLostIsFinished() throws Exception {
        // Resources: a, b (b registered). Fault: b applies its commit but the reply is lost
        // (XAER_RMFAIL after the work is committed).
        // Expected: the next scan does not find the branch and takes it as committed: no heuristic.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        manager.begin();
        manager.getTransaction().enlistResource(a);
        manager.getTransaction().enlistResource(new LostReply(b));
        manager.commit();

        RecoveryReport report = manager.recover();

        assertThat(report.isComplete()).isTrue();
        assertThat(report.heuristics()).isEmpty();
    }

    @Test
    void anEarlierRunsBranchIsLeftToTheOperatorWhenTheLogWasInMemory() throws Exception {
        // Resources: a, b. Fault: a first manager (in-memory log) commits with b's commit failing
        // XAER_RMFAIL and closes, leaving b's branch of a committed transaction prepared. A second
        // manager with the same node id and an in-memory log registers b.
        // Expected: the second manager cannot know that the transaction committed: it leaves the
        // branch prepared (no rollback) and reports it as work for an operator.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager first = start(configure().recoveryInterval(Duration.ZERO));
        begin(first, a, b);
        first.commit();
        first.close();

        AssentTransactionManager second = start(configure()
                .recoveryResource("b", () -> b)
                .recoveryInterval(Duration.ZERO)
                .orphanGracePeriod(Duration.ZERO));
        RecoveryReport report = second.recover();

        assertThat(report.rolledBack()).isEmpty();
        assertThat(report.leftAlone()).hasSize(1);
        assertThat(report.stillOwed()).singleElement().asString().contains("in-memory log", "by hand");
        assertThat(b.inDoubt()).hasSize(1);
        assertThat(b.script()).noneMatch(call -> call.contains("rollback"));
    }

    @Test
    void anErrorFromBeforeCompletionRollsBackAndIsTheCause() throws Exception {
        // Resources: a, b. Fault: a beforeCompletion callback throws an Error.
        // Expected: RollbackException with the Error as its cause; both branches ended with TMFAIL
        // and rolled back; the transaction is no longer in flight; the thread can begin again.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction tx = begin(a, b);
        AssertionError failure = new AssertionError("a broken callback");
        tx.registerSynchronization(beforeCompletionThrows(failure));

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class).hasCause(failure);
        assertThat(journal.script())
                .contains("a.end(x1, TMFAIL)", "b.end(x2, TMFAIL)", "a.rollback(x1)", "b.rollback(x2)")
                .noneMatch(call -> call.contains("prepare") || call.contains("commit"));
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(tm.inFlightCount()).isZero();
        tm.begin();
        tm.rollback();
    }

    @Test
    void theExceptionThrownByBeforeCompletionIsTheCauseEvenAfterSetRollbackOnly() throws Exception {
        // Resources: a. Fault: a beforeCompletion callback marks the transaction rollback-only and
        // then throws (what Hibernate does when a flush fails on a constraint).
        // Expected: the RollbackException's cause is the thrown exception, not "the application
        // called setRollbackOnly()"; that earlier reason is kept as a suppressed exception.
        Transaction tx = begin(resource("a"));
        IllegalStateException violation = new IllegalStateException("constraint violated at flush");
        tx.registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                try {
                    tx.setRollbackOnly();
                } catch (SystemException e) {
                    throw new IllegalStateException(e);
                }
                throw violation;
            }

            @Override
            public void afterCompletion(int status) {}
        });

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class).hasCause(violation);
        assertThat(thrown.getSuppressed())
                .singleElement()
                .satisfies(reason -> assertThat(reason).hasMessageContaining("setRollbackOnly"));
    }

    @Test
    void anErrorFromAfterCompletionIsIgnoredAndTheOtherCallbacksRun() throws Exception {
        // Resources: a, b. Fault: the first afterCompletion callback throws an Error after a
        // successful commit.
        // Expected: commit returns normally; the second callback still hears STATUS_COMMITTED.
        Transaction tx = begin(resource("a"), resource("b"));
        tx.registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                throw new AssertionError("a broken afterCompletion");
            }
        });
        var second = sync("second");
        tx.registerSynchronization(second);

        tm.commit();

        assertThat(second.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
    }

    @Test
    void anErrorThrownByAResourceInAParallelPhaseStillEndsTheTransaction() throws Exception {
        // Resources: a, b, c on three phase threads. Fault: b's prepare throws an Error (a broken
        // driver).
        // Expected: it counts as a failed resource manager: RollbackException, a and c rolled back,
        // the transaction leaves the in-flight map.
        ScriptedXAResource b = resource("b");
        ErrorAtPrepare broken = new ErrorAtPrepare(b);
        AssentTransactionManager manager = start(configure().parallelCompletion(3));
        manager.begin();
        manager.getTransaction().enlistResource(resource("a"));
        manager.getTransaction().enlistResource(broken);
        manager.getTransaction().enlistResource(resource("c"));

        Throwable thrown = catchThrowable(manager::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(xaCause(thrown).errorCode).isEqualTo(XAER_RMFAIL);
        assertThat(journal.script()).contains("a.rollback(x1)", "c.rollback(x3)");
        assertThat(manager.inFlightCount()).isZero();
    }

    @Test
    void aLateEnlistmentAfterTheReaperRolledBackFailsAndLeavesTheResourceUntouched() throws Exception {
        // Resources: a enlisted; c enlisted from another thread, which is held inside a.isSameRM
        // (after enlistResource checked the state) while the transaction times out and the
        // reaper rolls it back.
        // Expected: the late enlistResource throws RollbackException ("timed out") and never
        // starts a branch on c; a is rolled back.
        CountDownLatch insideEnlist = new CountDownLatch(1);
        CountDownLatch rolledBack = new CountDownLatch(1);
        ScriptedXAResource a = resource("a").on(Verb.IS_SAME_RM, Reaction.pause(insideEnlist, rolledBack));
        ScriptedXAResource c = resource("c");
        AssentTransactionManager manager = start(configure().timeoutCheckInterval(Duration.ofMillis(10)));
        manager.setTransactionTimeout(1);
        Transaction tx = begin(manager, a);

        CompletableFuture<Throwable> lateEnlist =
                CompletableFuture.supplyAsync(() -> catchThrowable(() -> tx.enlistResource(c)));
        assertThat(insideEnlist.await(10, TimeUnit.SECONDS)).isTrue();
        Eventually.await(
                "the reaper to roll the transaction back",
                Duration.ofSeconds(10),
                () -> manager.getStatus() == Status.STATUS_ROLLEDBACK);
        assertThat(a.script()).contains("a.rollback(x1)");
        rolledBack.countDown();

        assertThat(lateEnlist.get(10, TimeUnit.SECONDS)).isInstanceOf(RollbackException.class);
        assertThat(c.script()).noneMatch(call -> call.contains("start"));
        manager.suspend();
    }

    @Test
    void anEnlistmentFromAnotherThreadDuringCommitIsRefusedOnceTheCallbacksHaveRun() throws Exception {
        // Resources: a enlisted; c enlisted from another thread held inside a.isSameRM while the
        // committing thread finishes its beforeCompletion callbacks and prepares.
        // Expected: the late enlistment fails with IllegalStateException and c is never started;
        // the transaction commits with a alone; c is never prepared while associated.
        CountDownLatch insideEnlist = new CountDownLatch(1);
        CountDownLatch committed = new CountDownLatch(1);
        ScriptedXAResource a = resource("a").on(Verb.IS_SAME_RM, Reaction.pause(insideEnlist, committed));
        ScriptedXAResource c = resource("c");
        Transaction tx = begin(a);
        CompletableFuture<Throwable> lateEnlist =
                CompletableFuture.supplyAsync(() -> catchThrowable(() -> tx.enlistResource(c)));
        assertThat(insideEnlist.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Throwable> commit = CompletableFuture.supplyAsync(() -> catchThrowable(tx::commit));
        assertThat(journal.await(
                        call -> call.resource().equals("a") && call.verb() == Verb.COMMIT, Duration.ofSeconds(10)))
                .isTrue();
        committed.countDown();

        assertThat(commit.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(lateEnlist.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        assertThat(c.script()).isEmpty();
        tm.suspend();
    }

    @Test
    void recoveryNeverCommitsAgainABranchWithAHeuristicRecord() throws Exception {
        // Resources: a, b (both registered). Fault: a's commit answers XAER_RMFAIL (owed), b's
        // answers XA_HEURMIX and b keeps the branch listed until told to forget.
        // Expected: recovery commits a's owed branch, leaves b's alone (the operator decides); after
        // forgetHeuristic, no heuristic record comes back.
        ScriptedXAResource a = resource("a").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XA_HEURMIX);
        // b is registered first, so that the scan meets b's branch while a's is still owed.
        AssentTransactionManager manager = start(configure()
                .recoveryResource("b", () -> b)
                .recoveryResource("a", () -> a)
                .recoveryInterval(Duration.ZERO));
        begin(manager, a, b);
        assertThat(catchThrowable(manager::commit)).isInstanceOf(HeuristicMixedException.class);
        int bCommits = b.calls(Verb.COMMIT);

        RecoveryReport report = manager.recover();

        assertThat(report.committed()).extracting(journal::label).containsExactly("x1");
        assertThat(b.calls(Verb.COMMIT)).isEqualTo(bCommits);
        Xid heuristic = report.heuristics().get(0).branchXid();
        assertThat(manager.forgetHeuristic(heuristic)).isTrue();
        assertThat(manager.recover().heuristics()).isEmpty();
        assertThat(b.calls(Verb.COMMIT)).isEqualTo(bCommits);
    }

    private static Synchronization beforeCompletionThrows(Throwable failure) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
            }

            @Override
            public void afterCompletion(int status) {}
        };
    }

    /** A resource without a name whose isSameRM is identity, as pgjdbc's XAResource. */
    private static final class Unnamed extends ForwardingXAResource {
        Unnamed(XAResource target) {
            super(target);
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }
    }

    /** Applies the commit, then loses the reply (the connection dies on the way back). */
    private static final class LostReply extends ForwardingXAResource implements NamedXAResource {
        LostReply(ScriptedXAResource target) {
            super(target);
        }

        @Override
        public String resourceManagerName() {
            return ((ScriptedXAResource) target()).resourceManagerName();
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            super.commit(xid, onePhase);
            XAException lost = new XAException("connection reset after the commit was applied");
            lost.errorCode = XAER_RMFAIL;
            throw lost;
        }
    }

    /** Throws an Error from prepare, as a broken driver might. */
    private static final class ErrorAtPrepare extends ForwardingXAResource {
        ErrorAtPrepare(XAResource target) {
            super(target);
        }

        @Override
        public int prepare(Xid xid) {
            throw new AssertionError("driver bug at prepare");
        }
    }
}
