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
import static javax.transaction.xa.XAException.XA_RDONLY;
import static javax.transaction.xa.XAException.XA_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import dev.assent.tm.testkit.XaCodes;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.util.List;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-phase commit of a single branch goes wrong, with every XA code there is
 * (XaOutcomes.commitOnePhaseFailure). With TMONEPHASE the resource manager decides: the
 * application learns what it decided, or that nobody can tell.
 */
class OnePhaseCommitFailureTest extends ScenarioTest {

    private static final List<String> ONE_PHASE =
            List.of("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");

    /** The resource manager rolled the branch back and forgot it. */
    static List<Reaction> rolledBack() {
        return Faults.concat(Faults.xa(XAER_RMERR, XAER_NOTA), Faults.xa(XaCodes.ROLLBACK_CODES));
    }

    /** Nobody can tell whether the branch committed: reported as a heuristic hazard. */
    static List<Reaction> outcomeUnknown() {
        List<Reaction> unknown = Faults.xa(
                XA_HEURMIX,
                XA_HEURHAZ,
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
        unknown.add(Reaction.runtimeException());
        return unknown;
    }

    @Test
    void everyCodeIsCovered() {
        Faults.assertPartition(
                rolledBack(), outcomeUnknown(), Faults.xa(XA_HEURCOM), Faults.xa(XA_HEURRB), Faults.xa(XA_RETRY));
    }

    @Test
    void heuristicCommitAgreesAndIsForgotten() throws Exception {
        // Resources: a. Fault: commit(onePhase) throws XA_HEURCOM.
        // Expected: commit returns normally; a is told to forget; STATUS_COMMITTED.
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XA_HEURCOM);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a);
        tx.registerSynchronization(s);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)", "a.forget(x1)");
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
    }

    @Test
    void heuristicRollbackIsAHeuristicRollback() throws Exception {
        // Resources: a. Fault: commit(onePhase) throws XA_HEURRB.
        // Expected: HeuristicRollbackException caused by a's XAException; kept (no forget);
        // afterCompletion(STATUS_ROLLEDBACK).
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XA_HEURRB);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a);
        tx.registerSynchronization(s);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicRollbackException.class);
        assertThat(thrown.getCause()).isSameAs(a.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(ONE_PHASE);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(listener.events()).contains("heuristic(x1, a, XA_HEURRB)");
    }

    @ParameterizedTest(name = "a.commit(onePhase) throws {0}")
    @MethodSource("rolledBack")
    void rolledBackByTheResourceManagerIsARollback(Reaction fault) throws Exception {
        // Resources: a. Fault: commit(onePhase) throws {fault}: the work was rolled back.
        // Expected: RollbackException caused by a's XAException; no rollback call (nothing is left
        // to roll back); STATUS_ROLLEDBACK.
        ScriptedXAResource a = resource("a").on(Verb.COMMIT, fault);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a);
        tx.registerSynchronization(s);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertCausedBy(thrown, a, fault);
        assertThat(journal.script()).containsExactlyElementsOf(ONE_PHASE);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
        assertThat(listener.events()).contains("decided(rollback)", "completed(STATUS_ROLLEDBACK)");
    }

    @ParameterizedTest(name = "a.commit(onePhase) throws {0}")
    @MethodSource("outcomeUnknown")
    void unknownOutcomeIsHeuristicMixed(Reaction fault) throws Exception {
        // Resources: a. Fault: commit(onePhase) throws {fault}: the outcome is the resource's secret.
        // Expected: HeuristicMixedException caused by a's XAException; one commit call, no retry;
        // the heuristic is reported.
        ScriptedXAResource a = resource("a").on(Verb.COMMIT, fault);
        begin(a);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertCausedBy(thrown, a, fault);
        assertThat(journal.script()).containsExactlyElementsOf(ONE_PHASE);
        assertThat(listener.events()).anyMatch(event -> event.startsWith("heuristic(x1, a, "));
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void retryIsRetriedAndThenSucceeds() throws Exception {
        // Resources: a. Fault: the first commit(onePhase) throws XA_RETRY, the second succeeds.
        // Expected: commit returns normally after two commit calls.
        ScriptedXAResource a = resource("a").failOnCall(Verb.COMMIT, 1, XA_RETRY);
        Transaction tx = begin(a);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)", "a.commit(x1, true)");
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
    }

    @Test
    void retryForeverIsHeuristicMixed() throws Exception {
        // Resources: a. Fault: every commit(onePhase) throws XA_RETRY.
        // Expected: a few attempts, then HeuristicMixedException caused by the last XA_RETRY
        // (a branch that was never prepared cannot be left to recovery).
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XA_RETRY);
        begin(a);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertThat(thrown.getCause()).isSameAs(a.lastThrown());
        assertThat(a.calls(Verb.COMMIT)).isGreaterThan(1);
        assertThat(a.script()).allMatch(call -> !call.contains("prepare") && !call.contains("rollback"));
    }
}
