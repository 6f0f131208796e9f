package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Synchronizations and the TransactionSynchronizationRegistry. */
class SynchronizationTest extends ScenarioTest {

    @Test
    void callbackOrderRegularThenInterposedBeforeInterposedThenRegularAfter() throws Exception {
        // Resources: a. Synchronizations: regular r1, r2; interposed i1, i2. Fault: none.
        // Expected: r1, r2, i1, i2 beforeCompletion; i1, i2, r1, r2 afterCompletion(COMMITTED);
        // beforeCompletion runs before the resource is ended, afterCompletion after its commit.
        ScriptedXAResource a = resource("a");
        TransactionSynchronizationRegistry tsr = tm.synchronizationRegistry();
        List<String> xaCallsAtBefore = new ArrayList<>();
        List<String> xaCallsAtAfter = new ArrayList<>();
        Transaction tx = begin(a);
        tx.registerSynchronization(sync("r1").onBeforeCompletion(() -> xaCallsAtBefore.addAll(journal.script())));
        tsr.registerInterposedSynchronization(sync("i1"));
        tx.registerSynchronization(sync("r2"));
        tsr.registerInterposedSynchronization(sync("i2"));
        tx.registerSynchronization(sync("r3").onAfterCompletion(() -> xaCallsAtAfter.addAll(journal.script())));
        tm.commit();

        assertThat(syncEvents)
                .containsExactly(
                        "r1.beforeCompletion",
                        "r2.beforeCompletion",
                        "r3.beforeCompletion",
                        "i1.beforeCompletion",
                        "i2.beforeCompletion",
                        "i1.afterCompletion(STATUS_COMMITTED)",
                        "i2.afterCompletion(STATUS_COMMITTED)",
                        "r1.afterCompletion(STATUS_COMMITTED)",
                        "r2.afterCompletion(STATUS_COMMITTED)",
                        "r3.afterCompletion(STATUS_COMMITTED)");
        assertThat(xaCallsAtBefore).containsExactly("a.start(x1, TMNOFLAGS)");
        assertThat(xaCallsAtAfter).endsWith("a.commit(x1, true)");
    }

    @Test
    void statusIsActiveDuringBeforeCompletion() throws Exception {
        // Resources: none. Synchronizations: r. Fault: none.
        // Expected: getStatus() inside beforeCompletion is STATUS_ACTIVE (JPA flushes rely on it).
        AtomicReference<Integer> seen = new AtomicReference<>();
        Transaction tx = begin();
        tx.registerSynchronization(sync("r").onBeforeCompletion(() -> seen.set(statusOf(tx))));
        tm.commit();
        assertThat(seen.get()).isEqualTo(Status.STATUS_ACTIVE);
    }

    @Test
    void rollbackCallsOnlyAfterCompletionWithRolledBack() throws Exception {
        // Resources: a. Synchronizations: regular r, interposed i. Fault: the application rolls back.
        // Expected: no beforeCompletion; afterCompletion(STATUS_ROLLEDBACK), interposed first.
        Transaction tx = begin(resource("a"));
        RecordingSynchronization r = sync("r");
        RecordingSynchronization i = sync("i");
        tx.registerSynchronization(r);
        tm.synchronizationRegistry().registerInterposedSynchronization(i);
        tm.rollback();
        assertThat(syncEvents)
                .containsExactly("i.afterCompletion(STATUS_ROLLEDBACK)", "r.afterCompletion(STATUS_ROLLEDBACK)");
        assertThat(r.beforeCompletionCalls()).isZero();
    }

    @Test
    void failingBeforeCompletionRollsBack() throws Exception {
        // Resources: a, b. Synchronizations: r throws from beforeCompletion.
        // Expected: RollbackException caused by r's exception; nothing prepared or committed; both
        // branches rolled back; afterCompletion(STATUS_ROLLEDBACK) still called.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        IllegalStateException failure = new IllegalStateException("flush failed");
        RecordingSynchronization r = sync("r").failBeforeCompletion(failure);
        Transaction tx = begin(a, b);
        tx.registerSynchronization(r);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class).hasCause(failure);
        assertThat(thrown.getCause()).isSameAs(failure);
        assertThat(r.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(a.script())
                .endsWith("a.rollback(x1)")
                .noneMatch(call -> call.contains("prepare") || call.contains("commit"));
        assertThat(b.script())
                .endsWith("b.rollback(x2)")
                .noneMatch(call -> call.contains("prepare") || call.contains("commit"));
    }

    @Test
    void failingBeforeCompletionEndsTheBranchesWithTmFail() throws Exception {
        // Resources: a, b. Synchronizations: r throws from beforeCompletion.
        // Expected (docs/protocols.md §1, step 2: TMFAIL when rolling back): each branch is ended
        // with TMFAIL, then rolled back.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction tx = begin(a, b);
        tx.registerSynchronization(sync("r").failBeforeCompletion(new IllegalStateException("flush failed")));

        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMFAIL)",
                        "b.end(x2, TMFAIL)",
                        "a.rollback(x1)",
                        "b.rollback(x2)");
    }

    @Test
    void setRollbackOnlyInBeforeCompletionRollsBack() throws Exception {
        // Resources: a. Synchronizations: r calls setRollbackOnly from beforeCompletion.
        // Expected: RollbackException; a rolled back, never committed; afterCompletion(ROLLEDBACK).
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        RecordingSynchronization r = sync("r").onBeforeCompletion(() -> setRollbackOnly(tx));
        tx.registerSynchronization(r);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(r.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(a.script()).endsWith("a.rollback(x1)").noneMatch(call -> call.contains("commit"));
    }

    @Test
    void synchronizationsRegisteredDuringBeforeCompletionAreCalled() throws Exception {
        // Resources: none. Synchronizations: r1 registers regular r2 and interposed i1 from its
        // beforeCompletion; i1 registers interposed i2 from its own. Fault: none.
        // Expected: every one of them gets beforeCompletion and afterCompletion(COMMITTED).
        Transaction tx = begin();
        TransactionSynchronizationRegistry tsr = tm.synchronizationRegistry();
        RecordingSynchronization i2 = sync("i2");
        RecordingSynchronization i1 = sync("i1").onBeforeCompletion(() -> tsr.registerInterposedSynchronization(i2));
        RecordingSynchronization r2 = sync("r2");
        RecordingSynchronization r1 = sync("r1").onBeforeCompletion(() -> {
            register(tx, r2);
            tsr.registerInterposedSynchronization(i1);
        });
        tx.registerSynchronization(r1);
        tm.commit();
        assertThat(syncEvents)
                .containsExactly(
                        "r1.beforeCompletion",
                        "r2.beforeCompletion",
                        "i1.beforeCompletion",
                        "i2.beforeCompletion",
                        "i1.afterCompletion(STATUS_COMMITTED)",
                        "i2.afterCompletion(STATUS_COMMITTED)",
                        "r1.afterCompletion(STATUS_COMMITTED)",
                        "r2.afterCompletion(STATUS_COMMITTED)");
    }

    @Test
    void regularSynchronizationRegisteredByAnInterposedOneIsCalledOrRefused() throws Exception {
        // Resources: none. Synchronizations: interposed i registers regular r during its
        // beforeCompletion. Fault: none.
        // Expected (Transaction.registerSynchronization javadoc: the manager invokes beforeCompletion
        // of a registered synchronization before completing): either the registration is refused
        // with an exception, or r's beforeCompletion is called. Accepting r and never calling its
        // beforeCompletion (a JPA flush that never happens) is wrong.
        Transaction tx = begin();
        RecordingSynchronization r = sync("r");
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        tm.synchronizationRegistry().registerInterposedSynchronization(sync("i").onBeforeCompletion(() -> {
            try {
                tx.registerSynchronization(r);
            } catch (Exception | Error e) {
                refusal.set(e);
            }
        }));
        tm.commit();
        if (refusal.get() == null) {
            assertThat(r.beforeCompletionCalls())
                    .as("beforeCompletion of a synchronization whose registration was accepted")
                    .isEqualTo(1);
        } else {
            assertThat(refusal.get()).isInstanceOfAny(IllegalStateException.class, RollbackException.class);
            assertThat(r.afterCompletionStatuses()).isEmpty();
        }
    }

    @Test
    void resourceEnlistedDuringBeforeCompletionTakesPartInTheCommit() throws Exception {
        // Resources: a, and b enlisted by a synchronization's beforeCompletion (a JPA flush on a
        // fresh connection). Fault: none.
        // Expected: b gets a branch of its own and the transaction commits both in two phases.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction tx = begin(a);
        tx.registerSynchronization(sync("flush").onBeforeCompletion(() -> enlist(tx, b)));
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "b.prepare(x2)",
                        "a.commit(x1, false)",
                        "b.commit(x2, false)");
    }

    @Test
    void afterCompletionFailureDoesNotChangeTheOutcome() throws Exception {
        // Resources: a. Synchronizations: r throws from afterCompletion.
        // Expected: commit returns normally; a committed in one phase.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        tx.registerSynchronization(sync("r").onAfterCompletion(() -> {
            throw new IllegalStateException("cache eviction failed");
        }));
        tm.commit();
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        assertThat(a.script()).endsWith("a.commit(x1, true)");
    }

    @Test
    void registrationIsRefusedWhenRollbackOnlyOrCompleted() throws Exception {
        // Resources: none. Fault: register on a rollback-only, then on a completed transaction.
        // Expected: RollbackException, then IllegalStateException.
        Transaction tx = begin();
        tm.setRollbackOnly();
        assertThatThrownBy(() -> tx.registerSynchronization(sync("late"))).isInstanceOf(RollbackException.class);
        tm.rollback();
        assertThatThrownBy(() -> tx.registerSynchronization(sync("later"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void registryResourcesKeysAndRollbackOnly() throws Exception {
        // Resources: none. Fault: none; the registry is used inside two transactions.
        // Expected: resources live per transaction; the key is stable within one transaction and
        // different across them; getRollbackOnly follows setRollbackOnly; status is mirrored.
        TransactionSynchronizationRegistry tsr = tm.synchronizationRegistry();
        assertThat(tsr.getTransactionKey()).isNull();
        assertThat(tsr.getTransactionStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);

        begin();
        Object firstKey = tsr.getTransactionKey();
        assertThat(firstKey).isNotNull().isEqualTo(tsr.getTransactionKey());
        assertThat(firstKey.hashCode()).isEqualTo(tsr.getTransactionKey().hashCode());
        tsr.putResource("entity-manager", "em-1");
        assertThat(tsr.getResource("entity-manager")).isEqualTo("em-1");
        assertThat(tsr.getResource("absent")).isNull();
        assertThat(tsr.getRollbackOnly()).isFalse();
        assertThat(tsr.getTransactionStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tsr.setRollbackOnly();
        assertThat(tsr.getRollbackOnly()).isTrue();
        assertThat(tsr.getTransactionStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        tm.rollback();

        begin();
        assertThat(tsr.getTransactionKey()).isNotEqualTo(firstKey);
        assertThat(tsr.getResource("entity-manager")).isNull();
        tm.commit();
    }

    @Test
    void registryWithoutTransactionIsIllegal() {
        // Resources: none. Fault: registry calls with no transaction.
        // Expected: IllegalStateException for resources, rollback-only and synchronizations.
        TransactionSynchronizationRegistry tsr = tm.synchronizationRegistry();
        assertThatThrownBy(() -> tsr.putResource("k", "v")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tsr.getResource("k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tsr::getRollbackOnly).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tsr::setRollbackOnly).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tsr.registerInterposedSynchronization(sync("i")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void registryRefusesANullKey() throws Exception {
        // Resources: none. Fault: null key. Expected: NullPointerException, as the javadoc says.
        TransactionSynchronizationRegistry tsr = tm.synchronizationRegistry();
        begin();
        assertThatThrownBy(() -> tsr.putResource(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> tsr.getResource(null)).isInstanceOf(NullPointerException.class);
        tm.rollback();
    }

    private static int statusOf(Transaction tx) {
        try {
            return tx.getStatus();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setRollbackOnly(Transaction tx) {
        try {
            tx.setRollbackOnly();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void enlist(Transaction tx, ScriptedXAResource resource) {
        try {
            tx.enlistResource(resource);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void register(Transaction tx, Synchronization synchronization) {
        try {
            tx.registerSynchronization(synchronization);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
