package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import org.junit.jupiter.api.Test;

/** The happy paths of commit: one phase, two phases, read-only votes. */
class CommitProtocolTest extends ScenarioTest {

    @Test
    void singleBranchCommitsInOnePhase() throws Exception {
        // Resources: a. Fault: none.
        // Expected: end(TMSUCCESS), commit(onePhase=true), no prepare; STATUS_COMMITTED.
        ScriptedXAResource a = resource("a");
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a);
        tx.registerSynchronization(s);
        tm.commit();
        assertThat(journal.script())
                .containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        assertThat(listener.events()).noneMatch(event -> event.startsWith("prepared"));
    }

    @Test
    void twoBranchesArePreparedThenCommittedInTwoPhases() throws Exception {
        // Resources: a, b. Fault: none.
        // Expected: prepare both, then commit both with onePhase=false; STATUS_COMMITTED.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a, b);
        tx.registerSynchronization(s);
        tm.commit();
        assertThat(a.inDoubt()).isEmpty();
        assertThat(b.inDoubt()).isEmpty();
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
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
    }

    @Test
    void readOnlyVoterIsNotCommitted() throws Exception {
        // Resources: a votes XA_RDONLY, b votes XA_OK, c votes XA_OK. Fault: none.
        // Expected: a leaves the transaction after prepare; b and c commit in two phases.
        ScriptedXAResource a = resource("a").voteReadOnly();
        ScriptedXAResource b = resource("b");
        ScriptedXAResource c = resource("c");
        begin(a, b, c);
        tm.commit();
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.prepare(x1)");
        assertThat(b.script())
                .containsExactly(
                        "b.start(x2, TMNOFLAGS)", "b.end(x2, TMSUCCESS)", "b.prepare(x2)", "b.commit(x2, false)");
        assertThat(c.script())
                .containsExactly(
                        "c.start(x3, TMNOFLAGS)", "c.end(x3, TMSUCCESS)", "c.prepare(x3)", "c.commit(x3, false)");
    }

    @Test
    void lastYesVoterAfterReadOnlyVotesIsCommittedInPhaseTwo() throws Exception {
        // Resources: a votes XA_RDONLY, b votes XA_OK. Fault: none.
        // Expected: b, already prepared, is committed with onePhase=false (never one-phase after prepare).
        ScriptedXAResource a = resource("a").voteReadOnly();
        ScriptedXAResource b = resource("b");
        begin(a, b);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "b.prepare(x2)",
                        "b.commit(x2, false)");
    }

    @Test
    void allReadOnlyMeansNoCommitCallAtAll() throws Exception {
        // Resources: a, b both vote XA_RDONLY. Fault: none.
        // Expected: prepare both, nothing after; commit succeeds with STATUS_COMMITTED.
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(resource("a").voteReadOnly(), resource("b").voteReadOnly());
        tx.registerSynchronization(s);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "b.prepare(x2)");
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
    }

    @Test
    void commitThroughTheTransactionObjectFromAnotherThread() throws Exception {
        // Resources: a, b. Fault: none; the transaction is suspended and committed by its handle on
        // another thread. Expected: the same two-phase commit; the handle reports STATUS_COMMITTED.
        Transaction tx = begin(resource("a"), resource("b"));
        tm.suspend();
        Thread committer = new Thread(() -> {
            try {
                tx.commit();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        committer.start();
        committer.join(10_000);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        assertThat(journal.script()).endsWith("a.commit(x1, false)", "b.commit(x2, false)");
    }
}
