package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import dev.assent.tm.testkit.XaCodes;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A branch votes NO at prepare, with every XA code there is (XaOutcomes.prepareFailure): the
 * transaction rolls back, and the application gets a RollbackException carrying the resource's
 * XAException. A branch that answered XA_RB* has rolled back already and is not asked again.
 */
class PrepareFailureTest extends ScenarioTest {

    static List<Reaction> everyFailure() {
        return Faults.everyFailure();
    }

    @ParameterizedTest(name = "b.prepare throws {0}")
    @MethodSource("everyFailure")
    void failedPrepareRollsEveryBranchBack(Reaction fault) throws Exception {
        // Resources: a votes XA_OK, b fails its prepare. Fault: b.prepare throws {fault}.
        // Expected: RollbackException caused by b's XAException; a rolled back; b rolled back
        // unless its code was XA_RB*; no commit; STATUS_ROLLEDBACK everywhere.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").on(Verb.PREPARE, fault);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a, b);
        tx.registerSynchronization(s);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertCausedBy(thrown, b, fault);
        List<String> expected = new ArrayList<>(List.of(
                "a.start(x1, TMNOFLAGS)",
                "b.start(x2, TMNOFLAGS)",
                "a.end(x1, TMSUCCESS)",
                "b.end(x2, TMSUCCESS)",
                "a.prepare(x1)",
                "b.prepare(x2)",
                "a.rollback(x1)"));
        if (!fault.isRollbackCode()) {
            expected.add("b.rollback(x2)");
        }
        assertThat(journal.script()).containsExactlyElementsOf(expected);
        assertThat(a.inDoubt()).isEmpty();
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(listener.events())
                .containsSubsequence(
                        "prepared(x1, YES)", "prepared(x2, NO)", "decided(rollback)", "completed(STATUS_ROLLEDBACK)")
                .noneMatch(event -> event.startsWith("heuristic") || event.startsWith("owed"));
    }

    @ParameterizedTest(name = "a.prepare throws {0}")
    @MethodSource("everyFailure")
    void failureOfTheFirstVoterRollsTheOthersBack(Reaction fault) throws Exception {
        // Resources: a fails its prepare, b and c vote XA_OK. Fault: a.prepare throws {fault}.
        // Expected: RollbackException caused by a's XAException; b and c rolled back, never
        // committed; a rolled back unless its code was XA_RB*.
        ScriptedXAResource a = resource("a").on(Verb.PREPARE, fault);
        ScriptedXAResource b = resource("b");
        ScriptedXAResource c = resource("c");
        begin(a, b, c);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertCausedBy(thrown, a, fault);
        assertThat(a.script().get(a.script().size() - 1))
                .isEqualTo(fault.isRollbackCode() ? "a.prepare(x1)" : "a.rollback(x1)");
        for (ScriptedXAResource other : List.of(b, c)) {
            assertThat(other.calls(Verb.ROLLBACK)).isEqualTo(1);
            assertThat(other.calls(Verb.COMMIT)).isZero();
        }
    }

    @ParameterizedTest(name = "b.prepare throws {0}")
    @MethodSource("everyFailure")
    void readOnlyVoterIsLeftAloneWhenAnotherVotesNo(Reaction fault) throws Exception {
        // Resources: a votes XA_RDONLY, b fails its prepare. Fault: b.prepare throws {fault}.
        // Expected: RollbackException; a, gone after its read-only vote, gets no rollback.
        ScriptedXAResource a = resource("a").voteReadOnly();
        ScriptedXAResource b = resource("b").on(Verb.PREPARE, fault);
        begin(a, b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertCausedBy(thrown, b, fault);
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.prepare(x1)");
        assertThat(b.calls(Verb.ROLLBACK)).isEqualTo(fault.isRollbackCode() ? 0 : 1);
    }

    @Test
    void undefinedPrepareReturnValueIsANoVote() throws Exception {
        // Resources: a votes XA_OK, b returns 42 from prepare (neither XA_OK nor XA_RDONLY).
        // Expected: read as NO: RollbackException, both branches rolled back, none committed.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").on(Verb.PREPARE, Reaction.returns(XaCodes.UNDEFINED));
        begin(a, b);

        assertThat(catchThrowable(tm::commit)).isInstanceOf(RollbackException.class);

        assertThat(journal.script()).endsWith("a.prepare(x1)", "b.prepare(x2)", "a.rollback(x1)", "b.rollback(x2)");
        assertThat(listener.events()).contains("prepared(x2, NO)");
    }

    @Test
    void theNoVoteIsTheCauseEvenWhenARollbackFailsToo() throws Exception {
        // Resources: a, b, c. Faults: c votes NO (XA_RBINTEGRITY); then a's rollback fails with
        // XAER_RMFAIL (its backend died: recovery rolls the orphan back later).
        // Expected: RollbackException caused by c's XA_RBINTEGRITY, the reason for the rollback;
        // a's XAER_RMFAIL is attached as suppressed, not in its place.
        ScriptedXAResource a = resource("a").fail(Verb.ROLLBACK, XAException.XAER_RMFAIL);
        ScriptedXAResource c = resource("c").fail(Verb.PREPARE, XAException.XA_RBINTEGRITY);
        begin(a, resource("b"), c);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(thrown.getCause()).isSameAs(c.lastThrown());
        assertThat(thrown.getSuppressed()).containsExactly(a.lastThrown());
    }
}
