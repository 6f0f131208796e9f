package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.testkit.Eventually;
import dev.assent.tm.testkit.MutableClock;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transaction timeouts. Time is a {@link MutableClock} that only the scenario moves; the reaper
 * looks every 20 ms, so a scenario waits at most a few of its rounds after moving the clock.
 */
class TimeoutTest extends ScenarioTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private AssentTransactionManager timed;

    @BeforeEach
    void startTimedManager() {
        timed = start(configure()
                .clock(clock)
                .timeoutCheckInterval(Duration.ofMillis(20))
                .defaultTimeout(Duration.ofSeconds(30)));
    }

    /** Moves past the deadline and waits until the reaper has rolled back {@code resource}'s branch. */
    private void expire(ScriptedXAResource resource) throws InterruptedException {
        clock.advance(Duration.ofSeconds(2));
        assertThat(journal.await(
                        call -> call.resource().equals(resource.label()) && call.verb() == Verb.ROLLBACK, PATIENCE))
                .as("the reaper rolled %s back", resource.label())
                .isTrue();
    }

    @Test
    void reaperRollsBackAnExpiredTransaction() throws Exception {
        // Resources: a, b. Fault: the 1-second timeout passes while the application does nothing.
        // Expected: the reaper thread ends both with TMFAIL and rolls them back; afterCompletion
        // (STATUS_ROLLEDBACK) and the listener's timedOut fire; the application still holds the
        // transaction and sees STATUS_ROLLEDBACK; its commit() throws RollbackException.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        RecordingSynchronization s = sync("s");
        timed.setTransactionTimeout(1);
        Transaction tx = begin(timed, a, b);
        tx.registerSynchronization(s);
        assertThat(a.transactionTimeout()).isPositive().isLessThanOrEqualTo(1);
        assertThat(b.transactionTimeout()).isPositive().isLessThanOrEqualTo(1);

        expire(b);

        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMFAIL)",
                        "b.end(x2, TMFAIL)",
                        "a.rollback(x1)",
                        "b.rollback(x2)");
        List<String> reaperThreads = journal.calls().stream()
                .filter(call -> call.verb() == Verb.END || call.verb() == Verb.ROLLBACK)
                .map(XaCall::thread)
                .distinct()
                .collect(Collectors.toList());
        assertThat(reaperThreads).containsExactly("assent-timeout-reaper");
        assertThat(timed.getTransaction()).isSameAs(tx);

        assertThatThrownBy(timed::commit).isInstanceOf(RollbackException.class).hasMessageContaining("timed out");
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(timed.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(listener.events()).contains("timedOut", "decided(rollback)", "completed(STATUS_ROLLEDBACK)");
        assertThat(journal.script()).hasSize(6);
        assertThat(timed.inFlightCount()).isZero();
    }

    @Test
    void statusAfterTimeoutIsRolledBack() throws Exception {
        // Resources: a. Fault: the timeout passes. Expected: getStatus() is STATUS_ROLLEDBACK while
        // the thread is still associated, once the reaper has finished.
        ScriptedXAResource a = resource("a");
        timed.setTransactionTimeout(1);
        Transaction tx = begin(timed, a);
        expire(a);
        awaitStatus(tx, Status.STATUS_ROLLEDBACK);
        assertThat(timed.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        timed.rollback();
    }

    @Test
    void rollbackAfterTimeoutReturnsNormally() throws Exception {
        // Resources: a. Fault: the timeout passes. Expected: rollback() returns normally, frees the
        // thread, and sends nothing more to a.
        ScriptedXAResource a = resource("a");
        timed.setTransactionTimeout(1);
        begin(timed, a);
        expire(a);

        timed.rollback();

        assertThat(timed.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)");
    }

    @Test
    void enlistAfterTimeoutIsRefused() throws Exception {
        // Resources: a, then b after the timeout. Fault: the timeout passes.
        // Expected: enlistResource(b) throws RollbackException; b receives nothing.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        timed.setTransactionTimeout(1);
        Transaction tx = begin(timed, a);
        expire(a);
        assertThatThrownBy(() -> tx.enlistResource(b)).isInstanceOf(RollbackException.class);
        assertThat(b.script()).isEmpty();
        timed.rollback();
    }

    @Test
    void timeoutDuringBeforeCompletionRollsBack() throws Exception {
        // Resources: a, b. Fault: the deadline passes while beforeCompletion runs.
        // Expected: the reaper marks the transaction; commit() throws RollbackException; nothing is
        // prepared or committed; both branches are rolled back by the committing thread.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        timed.setTransactionTimeout(1);
        Transaction tx = begin(timed, a, b);
        tx.registerSynchronization(sync("slow").onBeforeCompletion(() -> {
            clock.advance(Duration.ofSeconds(2));
            awaitStatus(tx, Status.STATUS_MARKED_ROLLBACK);
        }));

        assertThatThrownBy(timed::commit).isInstanceOf(RollbackException.class);

        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(journal.script())
                .noneMatch(call -> call.contains("prepare") || call.contains("commit"))
                .contains("a.rollback(x1)", "b.rollback(x2)");
    }

    @Test
    void transactionCompletedInTimeIsLeftAlone() throws Exception {
        // Resources: a. Fault: none; the clock passes the deadline after the commit.
        // Expected: one-phase commit and nothing more, even after several reaper rounds.
        ScriptedXAResource a = resource("a");
        timed.setTransactionTimeout(1);
        begin(timed, a);
        timed.commit();
        clock.advance(Duration.ofSeconds(5));
        long readsBefore = clock.reads();
        // The reaper reads the clock once per round and nothing else runs: five rounds at least.
        Eventually.await("five reaper rounds", PATIENCE, () -> clock.reads() >= readsBefore + 5);
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
        assertThat(listener.events()).doesNotContain("timedOut");
    }

    @Test
    void zeroRestoresTheDefaultTimeout() throws Exception {
        // Resources: a in a transaction with a 5-second timeout, b in one after setTransactionTimeout(0).
        // Expected: a is told 5 seconds, b the configured default of 30.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        timed.setTransactionTimeout(5);
        begin(timed, a);
        timed.commit();
        timed.setTransactionTimeout(0);
        begin(timed, b);
        timed.commit();
        assertThat(a.transactionTimeout()).isEqualTo(5);
        assertThat(b.transactionTimeout()).isEqualTo(30);
    }

    @Test
    void negativeTimeoutIsRefused() throws Exception {
        // Resources: none. Fault: setTransactionTimeout(-1), through the manager and the
        // UserTransaction. Expected: SystemException both times; the timeout is unchanged.
        ScriptedXAResource a = resource("a");
        timed.setTransactionTimeout(7);
        assertThatThrownBy(() -> timed.setTransactionTimeout(-1)).isInstanceOf(SystemException.class);
        assertThatThrownBy(() -> timed.userTransaction().setTransactionTimeout(-1))
                .isInstanceOf(SystemException.class);
        begin(timed, a);
        timed.rollback();
        assertThat(a.transactionTimeout()).isEqualTo(7);
    }

    private static void awaitStatus(Transaction tx, int status) {
        try {
            Eventually.await("status " + status, PATIENCE, () -> statusOf(tx) == status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int statusOf(Transaction tx) {
        try {
            return tx.getStatus();
        } catch (SystemException e) {
            throw new AssertionError(e);
        }
    }
}
