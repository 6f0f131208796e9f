package dev.assent.tm.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.testkit.Eventually;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/**
 * Behaviour that the Jakarta Transactions 2.0 specification and javadoc (and the XA
 * specification beneath them) fix. Every implementation must pass all of it; it is run against
 * Assent and against Narayana, so a scenario here that only one passes is a misreading of the
 * specification by one of them, not a matter of taste. Behaviour where the specifications leave
 * room lives in each implementation's own subclass, saying so.
 */
abstract class JtaConformanceContract {

    protected abstract TransactionManager tm();

    protected abstract TransactionSynchronizationRegistry registry();

    protected final List<String> journal = JournalingXAResource.newJournal();

    protected JournalingXAResource resource(String name) {
        return new JournalingXAResource(name, journal);
    }

    @Test
    void twoResourcesArePreparedThenCommitted() throws Exception {
        // Resources: a, b. Fault: none. Expected: both prepared, then both committed (two-phase).
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().enlistResource(resource("b"));
        tm().commit();

        assertThat(journal).containsSubsequence("a:prepare", "b:prepare", "a:commit-2pc");
        assertThat(journal).containsSubsequence("a:prepare", "b:prepare", "b:commit-2pc");
        assertThat(journal).doesNotContain("a:rollback", "b:rollback");
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void everyBranchIsEndedBeforeItIsPrepared() throws Exception {
        // Resources: a, b. Expected: end(TMSUCCESS) precedes prepare on each (XA: no prepare of an
        // associated branch).
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().enlistResource(resource("b"));
        tm().commit();

        assertThat(journal).containsSubsequence("a:start", "a:end", "a:prepare");
        assertThat(journal).containsSubsequence("b:start", "b:end", "b:prepare");
    }

    @Test
    void nestedBeginIsRefused() throws Exception {
        tm().begin();
        try {
            assertThatThrownBy(() -> tm().begin()).isInstanceOf(NotSupportedException.class);
        } finally {
            tm().rollback();
        }
    }

    @Test
    void commitAndRollbackWithoutTransactionAreIllegal() {
        assertThatThrownBy(() -> tm().commit()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tm().rollback()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tm().setRollbackOnly()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void statusFollowsTheTransaction() throws Exception {
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(tm().getTransaction()).isNull();
        tm().begin();
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm().setRollbackOnly();
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        tm().rollback();
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void rollbackOnlyTransactionRollsBackAtCommit() throws Exception {
        // Resources: a, b. Fault: setRollbackOnly. Expected: RollbackException, no prepare, both
        // rolled back, the thread is free afterwards.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().enlistResource(resource("b"));
        tm().setRollbackOnly();

        assertThatThrownBy(() -> tm().commit()).isInstanceOf(RollbackException.class);
        assertThat(journal).contains("a:rollback", "b:rollback").doesNotContain("a:prepare", "b:prepare");
        assertThat(tm().getTransaction()).isNull();
    }

    @Test
    void aNoVoteRollsBackTheOthers() throws Exception {
        // Resources: a (votes yes), b (prepare throws XA_RBROLLBACK). Expected: RollbackException;
        // a rolled back; b not committed.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().enlistResource(resource("b").failing("prepare", XAException.XA_RBROLLBACK));

        assertThatThrownBy(() -> tm().commit()).isInstanceOf(RollbackException.class);
        assertThat(journal).contains("a:rollback").doesNotContain("a:commit-2pc", "b:commit-2pc");
    }

    @Test
    void aReadOnlyVoterIsNotCommitted() throws Exception {
        // Resources: a (votes XA_RDONLY), b. Expected: XA says a read-only branch is complete after
        // prepare: a gets neither commit nor rollback.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a").votingReadOnly());
        tm().getTransaction().enlistResource(resource("b"));
        tm().commit();

        assertThat(journal).contains("a:prepare").doesNotContain("a:commit-2pc", "a:commit-1pc", "a:rollback");
        assertThat(journal.stream().anyMatch(call -> call.startsWith("b:commit")))
                .isTrue();
    }

    @Test
    void aHeuristicMixedOutcomeReachesTheCaller() throws Exception {
        // Resources: a, b (commit throws XA_HEURMIX). Expected: HeuristicMixedException.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().enlistResource(resource("b").failing("commit-2pc", XAException.XA_HEURMIX));

        assertThatThrownBy(() -> tm().commit()).isInstanceOf(HeuristicMixedException.class);
        assertThat(tm().getTransaction()).isNull();
    }

    @Test
    void synchronizationsRunInTheSpecifiedOrder() throws Exception {
        // Expected (JTA 3.3.2): regular beforeCompletion, interposed beforeCompletion, resources
        // complete, interposed afterCompletion, regular afterCompletion.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().registerSynchronization(recording("regular"));
        registry().registerInterposedSynchronization(recording("interposed"));
        tm().commit();

        assertThat(journal)
                .containsSubsequence(
                        "regular:before",
                        "interposed:before",
                        "a:commit-1pc",
                        "interposed:after:" + Status.STATUS_COMMITTED,
                        "regular:after:" + Status.STATUS_COMMITTED);
    }

    @Test
    void aFailingBeforeCompletionRollsBack() throws Exception {
        // Fault: beforeCompletion throws. Expected: RollbackException; the resource is rolled back;
        // afterCompletion still runs, with STATUS_ROLLEDBACK.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().getTransaction().registerSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                throw new IllegalStateException("flush failed");
            }

            @Override
            public void afterCompletion(int status) {
                journal.add("sync:after:" + status);
            }
        });

        assertThatThrownBy(() -> tm().commit()).isInstanceOf(RollbackException.class);
        assertThat(journal).contains("a:rollback", "sync:after:" + Status.STATUS_ROLLEDBACK);
    }

    @Test
    void suspendAndResumeMoveTheTransaction() throws Exception {
        tm().begin();
        Transaction suspended = tm().suspend();
        assertThat(tm().getTransaction()).isNull();
        tm().begin();
        assertThatThrownBy(() -> tm().resume(suspended)).isInstanceOf(IllegalStateException.class);
        tm().rollback();
        tm().resume(suspended);
        assertThat(tm().getTransaction()).isEqualTo(suspended);
        tm().rollback();
    }

    @Test
    void theTransactionIsBoundToItsThread() throws Exception {
        tm().begin();
        try {
            int[] statusSeenElsewhere = new int[1];
            Thread other = new Thread(() -> {
                try {
                    statusSeenElsewhere[0] = tm().getStatus();
                } catch (Exception e) {
                    statusSeenElsewhere[0] = -1;
                }
            });
            other.start();
            other.join();
            assertThat(statusSeenElsewhere[0]).isEqualTo(Status.STATUS_NO_TRANSACTION);
        } finally {
            tm().rollback();
        }
    }

    @Test
    void aRollbackOnlyTransactionRefusesNewWork() throws Exception {
        tm().begin();
        tm().setRollbackOnly();
        try {
            assertThatThrownBy(() -> tm().getTransaction().enlistResource(resource("a")))
                    .isInstanceOf(RollbackException.class);
            assertThatThrownBy(() -> tm().getTransaction().registerSynchronization(recording("late")))
                    .isInstanceOf(RollbackException.class);
        } finally {
            tm().rollback();
        }
    }

    @Test
    void theRegistryKeysResourcesByTransaction() throws Exception {
        assertThat(registry().getTransactionKey()).isNull();
        assertThatThrownBy(() -> registry().getResource("k")).isInstanceOf(IllegalStateException.class);
        tm().begin();
        Object firstKey = registry().getTransactionKey();
        registry().putResource("k", "v");
        assertThat(registry().getResource("k")).isEqualTo("v");
        assertThat(registry().getTransactionKey()).isEqualTo(firstKey);
        assertThat(registry().getRollbackOnly()).isFalse();
        tm().rollback();
        tm().begin();
        assertThat(registry().getTransactionKey()).isNotEqualTo(firstKey);
        assertThat(registry().getResource("k")).isNull();
        tm().rollback();
    }

    @Test
    void anExpiredTransactionIsRolledBack() throws Exception {
        // Resources: a. Fault: the timeout (1 s) passes before commit. Expected: the resource is
        // rolled back without the application's help, and commit() reports RollbackException.
        tm().setTransactionTimeout(1);
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        try {
            Eventually.await(
                    "the expired branch to be rolled back",
                    Duration.ofSeconds(10),
                    () -> journal.contains("a:rollback"));
        } finally {
            tm().setTransactionTimeout(0);
        }

        assertThat(journal).contains("a:rollback");
        assertThatThrownBy(() -> tm().commit()).isInstanceOf(RollbackException.class);
        assertThat(tm().getTransaction()).isNull();
    }

    @Test
    void aThreadWhoseTransactionTimedOutMustEndItBeforeBeginningAnother() throws Exception {
        // Resources: a. Fault: the timeout (1 s) passes and the reaper rolls back, while the thread
        // is still associated. Expected (Assent and Narayana alike): begin() is refused with
        // NotSupportedException, so the application cannot miss that its work was rolled back;
        // the status says STATUS_ROLLEDBACK; rollback() ends it and begin() works again.
        tm().setTransactionTimeout(1);
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        try {
            Eventually.await(
                    "the expired branch to be rolled back",
                    Duration.ofSeconds(10),
                    () -> journal.contains("a:rollback"));
        } finally {
            tm().setTransactionTimeout(0);
        }

        assertThatThrownBy(() -> tm().begin()).isInstanceOf(NotSupportedException.class);
        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        tm().rollback();
        tm().begin();
        tm().rollback();
    }

    private Synchronization recording(String name) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                journal.add(name + ":before");
            }

            @Override
            public void afterCompletion(int status) {
                journal.add(name + ":after:" + status);
            }
        };
    }
}
