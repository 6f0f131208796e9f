package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_ASYNC;
import static javax.transaction.xa.XAException.XAER_DUPID;
import static javax.transaction.xa.XAException.XAER_INVAL;
import static javax.transaction.xa.XAException.XAER_NOTA;
import static javax.transaction.xa.XAException.XAER_OUTSIDE;
import static javax.transaction.xa.XAException.XAER_PROTO;
import static javax.transaction.xa.XAException.XAER_RMERR;
import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static javax.transaction.xa.XAException.XA_HEURCOM;
import static javax.transaction.xa.XAException.XA_HEURHAZ;
import static javax.transaction.xa.XAException.XA_HEURMIX;
import static javax.transaction.xa.XAException.XA_HEURRB;
import static javax.transaction.xa.XAException.XA_NOMIGRATE;
import static javax.transaction.xa.XAException.XA_RBROLLBACK;
import static javax.transaction.xa.XAException.XA_RDONLY;
import static javax.transaction.xa.XAException.XA_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import dev.assent.tm.testkit.XaCodes;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A rollback goes wrong, with every XA code there is (XaOutcomes.rollbackFailure): once inside
 * commit() after another branch voted NO, once in the application's rollback().
 */
class RollbackFailureTest extends ScenarioTest {

    /** The branch committed, partly committed, or cannot tell: the rollback did not happen. */
    static List<Reaction> disagreeing() {
        return Faults.xa(XA_HEURCOM, XA_HEURMIX, XA_HEURHAZ);
    }

    /** Nothing is left to roll back. */
    static List<Reaction> alreadyRolledBack() {
        return Faults.concat(Faults.xa(XAER_NOTA, XAER_RMERR), Faults.xa(XaCodes.ROLLBACK_CODES));
    }

    /** Unreachable or unclear: presumed abort, recovery rolls the branch back later. */
    static List<Reaction> owedToRecovery() {
        List<Reaction> owed = Faults.xa(
                XA_RETRY,
                XAER_RMFAIL,
                XAResource.XA_OK,
                XA_RDONLY,
                XA_NOMIGRATE,
                XAER_ASYNC,
                XAER_INVAL,
                XAER_PROTO,
                XAER_DUPID,
                XAER_OUTSIDE,
                XaCodes.UNDEFINED);
        owed.add(Reaction.runtimeException());
        return owed;
    }

    @Test
    void everyCodeIsCovered() {
        Faults.assertPartition(disagreeing(), alreadyRolledBack(), owedToRecovery(), Faults.xa(XA_HEURRB));
    }

    // ---- inside commit(): a votes NO (XA_RBROLLBACK, so only b needs a rollback) ----

    private ScriptedXAResource noVoter;

    private Transaction beginWithNoVoteAnd(ScriptedXAResource b) throws Exception {
        noVoter = resource("a").fail(Verb.PREPARE, XA_RBROLLBACK);
        return begin(noVoter, b);
    }

    private static List<String> afterNoVote(String... more) {
        List<String> script = new ArrayList<>(List.of(
                "a.start(x1, TMNOFLAGS)",
                "b.start(x2, TMNOFLAGS)",
                "a.end(x1, TMSUCCESS)",
                "b.end(x2, TMSUCCESS)",
                "a.prepare(x1)",
                "b.prepare(x2)",
                "b.rollback(x2)"));
        script.addAll(List.of(more));
        return script;
    }

    @Test
    void heuristicRollbackAfterNoVoteAgreesAndIsForgotten() throws Exception {
        // Resources: a votes NO (XA_RBROLLBACK), b votes yes. Fault: b.rollback throws XA_HEURRB.
        // Expected: RollbackException caused by a's vote; b is told to forget.
        ScriptedXAResource b = resource("b").fail(Verb.ROLLBACK, XA_HEURRB);
        beginWithNoVoteAnd(b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(thrown.getCause()).isSameAs(noVoter.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(afterNoVote("b.forget(x2)"));
    }

    @ParameterizedTest(name = "b.rollback throws {0}")
    @MethodSource("disagreeing")
    void disagreeingRollbackAfterNoVoteIsMixed(Reaction fault) throws Exception {
        // Resources: a votes NO (XA_RBROLLBACK), b votes yes. Fault: b.rollback throws {fault}.
        // Expected: HeuristicMixedException from commit(), caused by b's XAException (a rolled
        // back, b did not); the heuristic is reported, not forgotten.
        ScriptedXAResource b = resource("b").on(Verb.ROLLBACK, fault);
        beginWithNoVoteAnd(b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertCausedBy(thrown, b, fault);
        assertThat(journal.script()).containsExactlyElementsOf(afterNoVote());
        assertThat(listener.events()).contains("heuristic(x2, b, " + fault + ")");
    }

    @ParameterizedTest(name = "b.rollback throws {0}")
    @MethodSource("alreadyRolledBack")
    void alreadyRolledBackAfterNoVoteIsAPlainRollback(Reaction fault) throws Exception {
        // Resources: a votes NO (XA_RBROLLBACK), b votes yes. Fault: b.rollback throws {fault}.
        // Expected: RollbackException caused by a's vote; nothing reported, nothing forgotten.
        ScriptedXAResource b = resource("b").on(Verb.ROLLBACK, fault);
        Transaction tx = beginWithNoVoteAnd(b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(thrown.getCause()).isSameAs(noVoter.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(afterNoVote());
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(listener.events()).noneMatch(event -> event.startsWith("heuristic") || event.startsWith("owed"));
    }

    @ParameterizedTest(name = "b.rollback throws {0}")
    @MethodSource("owedToRecovery")
    void unfinishedRollbackAfterNoVoteIsOwedToRecovery(Reaction fault) throws Exception {
        // Resources: a votes NO (XA_RBROLLBACK), b votes yes. Fault: b.rollback throws {fault}.
        // Expected: RollbackException caused by a's vote; b owed to recovery (presumed abort).
        ScriptedXAResource b = resource("b").on(Verb.ROLLBACK, fault);
        beginWithNoVoteAnd(b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(thrown.getCause()).isSameAs(noVoter.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(afterNoVote());
        assertThat(listener.events()).anyMatch(event -> event.startsWith("owedToRecovery(x2, b, "));
        assertThat(listener.events()).noneMatch(event -> event.startsWith("heuristic"));
    }

    // ---- the application's rollback() ----

    private static final List<String> ROLLED_BACK =
            List.of("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)");

    @Test
    void heuristicRollbackAtRollbackAgreesAndIsForgotten() throws Exception {
        // Resources: a. Fault: a.rollback throws XA_HEURRB.
        // Expected: rollback() returns normally; a is told to forget.
        ScriptedXAResource a = resource("a").fail(Verb.ROLLBACK, XA_HEURRB);
        begin(a);
        tm.rollback();
        assertThat(journal.script())
                .containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)", "a.forget(x1)");
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @ParameterizedTest(name = "a.rollback throws {0}")
    @MethodSource("disagreeing")
    void disagreeingRollbackIsASystemException(Reaction fault) throws Exception {
        // Resources: a. Fault: a.rollback throws {fault}.
        // Expected: rollback() throws SystemException (its only checked exception) caused by a's
        // XAException; the thread is free afterwards.
        ScriptedXAResource a = resource("a").on(Verb.ROLLBACK, fault);
        begin(a);

        Throwable thrown = catchThrowable(tm::rollback);

        assertThat(thrown).isInstanceOf(SystemException.class);
        assertCausedBy(thrown, a, fault);
        assertThat(journal.script()).containsExactlyElementsOf(ROLLED_BACK);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        assertThat(listener.events()).contains("heuristic(x1, a, " + fault + ")");
    }

    @ParameterizedTest(name = "a.rollback throws {0}")
    @MethodSource("alreadyRolledBack")
    void alreadyRolledBackAtRollbackReturnsNormally(Reaction fault) throws Exception {
        // Resources: a. Fault: a.rollback throws {fault}. Expected: rollback() returns normally.
        ScriptedXAResource a = resource("a").on(Verb.ROLLBACK, fault);
        Transaction tx = begin(a);
        tm.rollback();
        assertThat(journal.script()).containsExactlyElementsOf(ROLLED_BACK);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
    }

    @ParameterizedTest(name = "a.rollback throws {0}")
    @MethodSource("owedToRecovery")
    void unfinishedRollbackIsOwedToRecovery(Reaction fault) throws Exception {
        // Resources: a. Fault: a.rollback throws {fault}.
        // Expected: rollback() returns normally (presumed abort); a owed to recovery.
        ScriptedXAResource a = resource("a").on(Verb.ROLLBACK, fault);
        begin(a);
        tm.rollback();
        assertThat(journal.script()).containsExactlyElementsOf(ROLLED_BACK);
        assertThat(listener.events()).anyMatch(event -> event.startsWith("owedToRecovery(x1, a, "));
    }
}
