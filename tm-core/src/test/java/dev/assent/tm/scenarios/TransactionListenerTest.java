package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.testkit.MutableClock;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** The TransactionListener hears every step: votes, decision, completion, heuristics, timeouts. */
class TransactionListenerTest extends ScenarioTest {

    @Test
    void twoPhaseCommit() throws Exception {
        // Resources: a, b. Fault: none.
        // Expected: begun, enlisted per branch, a YES vote per branch, decided(commit), completed.
        begin(resource("a"), resource("b"));
        tm.commit();
        assertThat(listener.events())
                .containsExactly(
                        "begun",
                        "enlisted(x1, a)",
                        "enlisted(x2, b)",
                        "prepared(x1, YES)",
                        "prepared(x2, YES)",
                        "decided(commit)",
                        "completed(STATUS_COMMITTED)");
    }

    @Test
    void onePhaseCommitHasNoVote() throws Exception {
        // Resources: a. Fault: none. Expected: begun, enlisted, decided(commit), completed.
        begin(resource("a"));
        tm.commit();
        assertThat(listener.events())
                .containsExactly("begun", "enlisted(x1, a)", "decided(commit)", "completed(STATUS_COMMITTED)");
    }

    @Test
    void readOnlyAndNoVotes() throws Exception {
        // Resources: a votes XA_RDONLY, b XA_OK, c fails with XAER_RMERR.
        // Expected: the three votes READ_ONLY, YES, NO; decided(rollback); completed(ROLLEDBACK).
        ScriptedXAResource c = resource("c").fail(Verb.PREPARE, XAException.XAER_RMERR);
        begin(resource("a").voteReadOnly(), resource("b"), c);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(listener.events())
                .containsExactly(
                        "begun",
                        "enlisted(x1, a)",
                        "enlisted(x2, b)",
                        "enlisted(x3, c)",
                        "prepared(x1, READ_ONLY)",
                        "prepared(x2, YES)",
                        "prepared(x3, NO)",
                        "decided(rollback)",
                        "completed(STATUS_ROLLEDBACK)");
    }

    @Test
    void heuristicOutcome() throws Exception {
        // Resources: a, b. Fault: b.commit throws XA_HEURMIX.
        // Expected: heuristic(x2, b, XA_HEURMIX) with b's XAException, after decided(commit).
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XAException.XA_HEURMIX);
        begin(resource("a"), b);
        assertThatThrownBy(tm::commit).isInstanceOf(HeuristicMixedException.class);
        assertThat(listener.events())
                .containsSubsequence("decided(commit)", "heuristic(x2, b, XA_HEURMIX)", "completed(STATUS_UNKNOWN)");
        assertThat(listener.causes()).containsExactly((XAException) b.lastThrown());
    }

    @Test
    void branchOwedToRecovery() throws Exception {
        // Resources: a, b. Fault: b.commit throws XAER_RMFAIL.
        // Expected: owedToRecovery(x2, b, XAER_RMFAIL) with b's XAException; completed(COMMITTED).
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XAException.XAER_RMFAIL);
        begin(resource("a"), b);
        tm.commit();
        assertThat(listener.events())
                .containsSubsequence(
                        "decided(commit)", "owedToRecovery(x2, b, XAER_RMFAIL)", "completed(STATUS_COMMITTED)");
        assertThat(listener.causes()).containsExactly((XAException) b.lastThrown());
    }

    @Test
    void timedOut() throws Exception {
        // Resources: a. Fault: the transaction's 1-second timeout passes.
        // Expected: timedOut, decided(rollback), completed(STATUS_ROLLEDBACK), from the reaper.
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        AssentTransactionManager timed = start(configure().clock(clock).timeoutCheckInterval(Duration.ofMillis(20)));
        timed.setTransactionTimeout(1);
        begin(timed, resource("a"));
        clock.advance(Duration.ofSeconds(2));
        assertThat(journal.await(call -> call.verb() == Verb.ROLLBACK, Duration.ofSeconds(10)))
                .isTrue();
        assertThatThrownBy(timed::commit).isInstanceOf(RollbackException.class);
        assertThat(listener.events())
                .containsExactly(
                        "begun", "enlisted(x1, a)", "timedOut", "decided(rollback)", "completed(STATUS_ROLLEDBACK)");
    }

    @Test
    void throwingListenerDoesNotHurtTheTransaction() throws Exception {
        // Resources: a, b. Fault: a second listener throws from every callback.
        // Expected: the transaction commits; the recording listener still hears everything.
        TransactionListener hostile = (TransactionListener) Proxy.newProxyInstance(
                TransactionListener.class.getClassLoader(), new Class<?>[] {TransactionListener.class}, (p, m, a) -> {
                    throw new IllegalStateException("listener bug in " + m.getName());
                });
        AssentTransactionManager manager = start(configure().listener(hostile));
        ScriptedXAResource a = resource("a");
        begin(manager, a, resource("b"));
        manager.commit();
        assertThat(a.script()).endsWith("a.commit(x1, false)");
        assertThat(listener.events()).endsWith("decided(commit)", "completed(STATUS_COMMITTED)");
    }
}
