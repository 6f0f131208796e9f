package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.UserTransaction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;

/** Demarcation and thread association: begin, commit, rollback, status, suspend and resume. */
class DemarcationTest extends ScenarioTest {

    @Test
    void beginThenCommitAssociatesAndReleasesTheThread() throws Exception {
        // Resources: a. Fault: none.
        // Expected: ACTIVE while running, one-phase commit of a, the thread is free afterwards.
        ScriptedXAResource a = resource("a");
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tm.getTransaction()).isNull();

        Transaction tx = begin(a);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        assertThat(tm.getTransaction()).isSameAs(tx);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();

        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        assertThat(tm.inFlightCount()).isZero();
        assertThat(journal.script())
                .containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
    }

    @Test
    void commitWithoutResourcesCommits() throws Exception {
        // Resources: none. Fault: none. Expected: STATUS_COMMITTED to the synchronization, no XA call.
        RecordingSynchronization s = sync("s");
        Transaction tx = begin();
        tx.registerSynchronization(s);
        tm.commit();

        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        assertThat(journal.calls()).isEmpty();
        assertThat(listener.events()).containsExactly("begun", "decided(commit)", "completed(STATUS_COMMITTED)");
    }

    @Test
    void rollbackEndsWithTmFailAndRollsBack() throws Exception {
        // Resources: a, b. Fault: none; the application rolls back.
        // Expected: end(TMFAIL) and rollback on both, no prepare, STATUS_ROLLEDBACK, thread free.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a, b);
        tx.registerSynchronization(s);
        tm.rollback();

        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(s.beforeCompletionCalls()).isZero();
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
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
    void setRollbackOnlyMakesCommitRollBack() throws Exception {
        // Resources: a. Fault: the application marks the transaction rollback-only.
        // Expected: STATUS_MARKED_ROLLBACK, then commit() throws RollbackException; a is rolled back.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        tm.setRollbackOnly();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);

        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(journal.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)");
    }

    @Test
    void nestedBeginIsNotSupported() throws Exception {
        // Resources: none. Fault: begin() inside a transaction.
        // Expected: NotSupportedException; the outer transaction stays associated and active.
        Transaction outer = begin();
        assertThatThrownBy(tm::begin).isInstanceOf(NotSupportedException.class).hasMessageContaining("nested");
        assertThat(tm.getTransaction()).isSameAs(outer);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();
    }

    @Test
    void demarcationWithoutTransactionIsIllegal() throws Exception {
        // Resources: none. Fault: commit, rollback, setRollbackOnly with no transaction.
        // Expected: IllegalStateException each time; status NO_TRANSACTION; suspend returns null.
        assertThatThrownBy(tm::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tm::rollback).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tm::setRollbackOnly).isInstanceOf(IllegalStateException.class);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tm.suspend()).isNull();
    }

    @Test
    void anotherThreadSeesNoTransaction() throws Exception {
        // Resources: a here, b on another thread. Fault: none.
        // Expected: the other thread has no transaction, begins and commits its own; ours is untouched.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction mine = begin(a);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            String before = tm.getTransaction() + "/" + tm.getStatus();
                            begin(tm, b);
                            tm.commit();
                            return before;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    other);
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("null/" + Status.STATUS_NO_TRANSACTION);
        } finally {
            other.shutdownNow();
        }
        assertThat(tm.getTransaction()).isSameAs(mine);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
        assertThat(b.script()).containsExactly("b.start(x2, TMNOFLAGS)", "b.end(x2, TMSUCCESS)", "b.commit(x2, true)");
    }

    @Test
    void suspendAndResume() throws Exception {
        // Resources: a in the suspended transaction, b in one run meanwhile. Fault: none.
        // Expected: suspend frees the thread; another transaction runs; resume brings the first back.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction first = begin(a);
        assertThat(tm.suspend()).isSameAs(first);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(first.getStatus()).isEqualTo(Status.STATUS_ACTIVE);

        begin(b);
        tm.commit();

        tm.resume(first);
        assertThat(tm.getTransaction()).isSameAs(first);
        tm.commit();
        assertThat(first.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
        assertThat(b.script()).containsExactly("b.start(x2, TMNOFLAGS)", "b.end(x2, TMSUCCESS)", "b.commit(x2, true)");
    }

    @Test
    void resumeOfACompletedTransactionIsInvalid() throws Exception {
        // Resources: none. Fault: resume a transaction that has committed.
        // Expected: InvalidTransactionException; the thread stays without a transaction.
        Transaction tx = begin();
        tm.commit();
        assertThatThrownBy(() -> tm.resume(tx)).isInstanceOf(InvalidTransactionException.class);
        assertThat(tm.getTransaction()).isNull();
    }

    @Test
    void resumeOfARolledBackSuspendedTransactionIsInvalid() throws Exception {
        // Resources: none. Fault: the suspended transaction is rolled back through its handle.
        // Expected: resume throws InvalidTransactionException.
        Transaction tx = begin();
        tm.suspend();
        tx.rollback();
        assertThatThrownBy(() -> tm.resume(tx)).isInstanceOf(InvalidTransactionException.class);
        assertThat(tm.getTransaction()).isNull();
    }

    @Test
    void resumeOfAForeignTransactionIsInvalid() throws Exception {
        // Resources: none. Fault: resume a Transaction of another implementation, then one of
        // another Assent manager. Expected: InvalidTransactionException both times.
        assertThatThrownBy(() -> tm.resume(new ForeignTransaction())).isInstanceOf(InvalidTransactionException.class);

        AssentTransactionManager other = start(configure().nodeId("other"));
        other.begin();
        Transaction othersTx = other.suspend();
        assertThatThrownBy(() -> tm.resume(othersTx)).isInstanceOf(InvalidTransactionException.class);
        assertThat(tm.getTransaction()).isNull();
        other.resume(othersTx);
        other.rollback();
    }

    @Test
    void resumeWhileAssociatedIsIllegal() throws Exception {
        // Resources: none. Fault: resume a suspended transaction while another is associated.
        // Expected: IllegalStateException; the associated one stays.
        Transaction suspended = begin();
        tm.suspend();
        Transaction current = begin();
        assertThatThrownBy(() -> tm.resume(suspended)).isInstanceOf(IllegalStateException.class);
        assertThat(tm.getTransaction()).isSameAs(current);
        tm.rollback();
        tm.resume(suspended);
        tm.rollback();
    }

    @Test
    void resumeOfNullIsANoOp() throws Exception {
        // Resources: none. Fault: none; resume(suspend()) with no transaction.
        // Expected: no exception, still no transaction.
        tm.resume(tm.suspend());
        tm.resume(null);
        assertThat(tm.getTransaction()).isNull();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void userTransactionDemarcates() throws Exception {
        // Resources: a. Fault: none. Expected: the UserTransaction drives the same manager.
        ScriptedXAResource a = resource("a");
        UserTransaction ut = tm.userTransaction();
        ut.begin();
        assertThat(ut.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.getTransaction().enlistResource(a);
        ut.setRollbackOnly();
        assertThat(ut.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(ut::commit).isInstanceOf(RollbackException.class);
        assertThat(ut.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(journal.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)");
    }

    @Test
    void beginAfterCloseFails() {
        // Resources: none. Fault: the manager is closed. Expected: begin() throws SystemException.
        tm.close();
        assertThatThrownBy(tm::begin).isInstanceOf(SystemException.class);
    }

    /** A Transaction that Assent did not make. */
    private static final class ForeignTransaction implements Transaction {
        @Override
        public void commit() {}

        @Override
        public boolean delistResource(XAResource resource, int flag) {
            return false;
        }

        @Override
        public boolean enlistResource(XAResource resource) {
            return false;
        }

        @Override
        public int getStatus() {
            return Status.STATUS_ACTIVE;
        }

        @Override
        public void registerSynchronization(Synchronization synchronization) {}

        @Override
        public void rollback() {}

        @Override
        public void setRollbackOnly() {}
    }
}
