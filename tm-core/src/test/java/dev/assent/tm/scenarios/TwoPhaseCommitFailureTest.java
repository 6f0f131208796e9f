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

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import dev.assent.tm.testkit.XaCodes;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.time.Duration;
import java.util.List;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Phase two of a two-phase commit goes wrong at one branch, with every XA code there is
 * (XaOutcomes.commitTwoPhaseFailure). Both branches voted XA_OK, the decision to commit is taken;
 * what the application sees depends on what the failing branch reports.
 */
class TwoPhaseCommitFailureTest extends ScenarioTest {

    private static final List<String> PREPARED = List.of(
            "a.start(x1, TMNOFLAGS)",
            "b.start(x2, TMNOFLAGS)",
            "a.end(x1, TMSUCCESS)",
            "b.end(x2, TMSUCCESS)",
            "a.prepare(x1)",
            "b.prepare(x2)",
            "a.commit(x1, false)",
            "b.commit(x2, false)");

    /** The branch rolled back on its own although it had voted yes. */
    static List<Reaction> heuristicRollback() {
        return Faults.concat(Faults.xa(XA_HEURRB, XAER_RMERR), Faults.xa(XaCodes.ROLLBACK_CODES));
    }

    /** The branch partly committed, or cannot tell. */
    static List<Reaction> mixedOrHazard() {
        return Faults.xa(XA_HEURMIX, XA_HEURHAZ);
    }

    /** Unreachable, busy, or an answer that tells nothing: the branch stays prepared for recovery. */
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
        Faults.assertPartition(
                heuristicRollback(), mixedOrHazard(), owedToRecovery(), Faults.xa(XA_HEURCOM), Faults.xa(XAER_NOTA));
    }

    @Test
    void heuristicCommitAgreesAndIsForgotten() throws Exception {
        // Resources: a, b. Fault: b.commit throws XA_HEURCOM.
        // Expected: commit returns normally (the heuristic agrees with the decision); b is told to
        // forget; no heuristic is reported; STATUS_COMMITTED.
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XA_HEURCOM);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(resource("a"), b);
        tx.registerSynchronization(s);
        tm.commit();
        assertThat(journal.script()).startsWith(PREPARED.toArray(String[]::new)).endsWith("b.forget(x2)");
        assertThat(journal.script()).hasSize(PREPARED.size() + 1);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        assertThat(listener.events()).noneMatch(event -> event.startsWith("heuristic"));
    }

    @Test
    void unknownXidAtTheFirstCommitIsAHazardNotACommit() throws Exception {
        // Resources: a, b. Fault: b voted XA_OK, then its first commit throws XAER_NOTA: no commit
        // had been sent, so no lost reply explains it; b lost a prepared branch.
        // Expected: HeuristicMixedException caused by b's XAER_NOTA; the listener hears a heuristic
        // for b; the operator finds it in tm.heuristics() as a hazard of a commit decision.
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XAER_NOTA);
        begin(resource("a"), b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertThat(thrown.getCause()).isSameAs(b.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(PREPARED);
        assertThat(listener.events()).contains("heuristic(x2, b, XAER_NOTA)");
        assertThat(tm.heuristics()).singleElement().satisfies(outcome -> {
            assertThat(outcome.resourceManagerName()).isEqualTo("b");
            assertThat(outcome.decidedCommit()).isTrue();
        });
    }

    @Test
    void unknownXidAtARetryAfterALostReplyMeansAlreadyCommitted() throws Exception {
        // Resources: a, b (b registered for recovery). Fault: b's first commit throws XAER_RMFAIL
        // (the reply may be lost), recovery's retry answers XAER_NOTA.
        // Expected: commit returns normally; recovery takes XAER_NOTA as "already committed": no
        // heuristic, nothing owed.
        ScriptedXAResource b =
                resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL).failOnCall(Verb.COMMIT, 2, XAER_NOTA);
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        begin(manager, resource("a"), b);
        manager.commit();

        RecoveryReport report = manager.recover();

        assertThat(report.committed()).extracting(journal::label).containsExactly("x2");
        assertThat(report.isComplete()).isTrue();
        assertThat(listener.events()).noneMatch(event -> event.startsWith("heuristic"));
    }

    @ParameterizedTest(name = "b.commit throws {0}")
    @MethodSource("heuristicRollback")
    void heuristicRollbackOfOneBranchIsMixed(Reaction fault) throws Exception {
        // Resources: a, b. Fault: b.commit throws {fault}: b rolled back although a committed.
        // Expected: HeuristicMixedException caused by b's XAException; the heuristic is reported
        // and kept (no forget).
        ScriptedXAResource b = resource("b").on(Verb.COMMIT, fault);
        begin(resource("a"), b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertCausedBy(thrown, b, fault);
        assertThat(journal.script()).containsExactlyElementsOf(PREPARED);
        assertThat(listener.events()).contains("heuristic(x2, b, " + fault + ")");
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @ParameterizedTest(name = "b.commit throws {0}")
    @MethodSource("mixedOrHazard")
    void mixedOrHazardousBranchIsMixed(Reaction fault) throws Exception {
        // Resources: a, b. Fault: b.commit throws {fault}.
        // Expected: HeuristicMixedException caused by b's XAException; reported to the listener.
        ScriptedXAResource b = resource("b").on(Verb.COMMIT, fault);
        begin(resource("a"), b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertCausedBy(thrown, b, fault);
        assertThat(journal.script()).containsExactlyElementsOf(PREPARED);
        assertThat(listener.events()).contains("heuristic(x2, b, " + fault + ")");
    }

    @ParameterizedTest(name = "b.commit throws {0}")
    @MethodSource("owedToRecovery")
    void unfinishedBranchIsOwedToRecovery(Reaction fault) throws Exception {
        // Resources: a, b. Fault: b.commit throws {fault}.
        // Expected: commit returns normally (the decision is commit and logged; recovery finishes
        // b); the listener hears owedToRecovery for b with its XAException; STATUS_COMMITTED.
        ScriptedXAResource b = resource("b").on(Verb.COMMIT, fault);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(resource("a"), b);
        tx.registerSynchronization(s);

        tm.commit();

        assertThat(journal.script()).containsExactlyElementsOf(PREPARED);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_COMMITTED);
        String code = fault.isRuntimeException() ? "XAER_RMFAIL" : fault.toString();
        assertThat(listener.events()).contains("owedToRecovery(x2, b, " + code + ")");
        assertThat(listener.events()).noneMatch(event -> event.startsWith("heuristic"));
        if (!fault.isRuntimeException()) {
            assertThat(listener.causes()).containsExactly((javax.transaction.xa.XAException) b.lastThrown());
        }
    }

    @Test
    void bothBranchesRolledBackHeuristicallyIsAHeuristicRollback() throws Exception {
        // Resources: a, b. Fault: both commits throw XA_HEURRB.
        // Expected: HeuristicRollbackException caused by a's XAException with b's suppressed;
        // afterCompletion(STATUS_ROLLEDBACK).
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XA_HEURRB);
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XA_HEURRB);
        RecordingSynchronization s = sync("s");
        Transaction tx = begin(a, b);
        tx.registerSynchronization(s);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicRollbackException.class);
        assertThat(thrown.getCause()).isSameAs(a.lastThrown());
        assertThat(thrown.getSuppressed()).containsExactly(b.lastThrown());
        assertThat(journal.script()).containsExactlyElementsOf(PREPARED);
        assertThat(s.afterCompletionStatuses()).containsExactly(Status.STATUS_ROLLEDBACK);
    }

    @Test
    void heuristicRollbackBesideABranchOwedToRecoveryIsMixed() throws Exception {
        // Resources: a, b. Fault: a.commit throws XAER_RMFAIL (a stays prepared; recovery will
        // commit it), b.commit throws XA_HEURRB.
        // Expected: HeuristicMixedException: a's work will be committed while b's was rolled back,
        // so "all relevant updates have been rolled back" (HeuristicRollbackException) is false.
        ScriptedXAResource a = resource("a").fail(Verb.COMMIT, XAER_RMFAIL);
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XA_HEURRB);
        begin(a, b);

        Throwable thrown = catchThrowable(tm::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertThat(thrown.getCause()).isSameAs(b.lastThrown());
        assertThat(listener.events()).contains("owedToRecovery(x1, a, XAER_RMFAIL)", "heuristic(x2, b, XA_HEURRB)");
    }

    @Test
    void owedBranchIsCommittedByTheNextRecoveryScan() throws Exception {
        // Resources: a, b; b registered for recovery. Fault: b's first commit throws XAER_RMFAIL.
        // Expected: commit returns normally with b still prepared; the next recovery scan commits b
        // (commit(x2, false), never a rollback); a second scan does nothing.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        begin(manager, a, b);
        manager.commit();
        assertThat(a.inDoubt()).isEmpty();
        assertThat(b.inDoubt()).hasSize(1);

        RecoveryReport first = manager.recover();

        assertThat(first.committed()).extracting(journal::label).containsExactly("x2");
        assertThat(first.rolledBack()).isEmpty();
        assertThat(b.script())
                .containsSubsequence(
                        "b.prepare(x2)",
                        "b.commit(x2, false)",
                        "b.recover(TMSTARTRSCAN|TMENDRSCAN)",
                        "b.commit(x2, false)")
                .noneMatch(call -> call.contains("rollback"));
        assertThat(b.calls(Verb.COMMIT)).isEqualTo(2);
        assertThat(b.inDoubt()).isEmpty();
        int callsAfterFirstScan = journal.script().size();

        RecoveryReport second = manager.recover();

        assertThat(second.committed()).isEmpty();
        assertThat(second.rolledBack()).isEmpty();
        assertThat(journal.script()
                        .subList(callsAfterFirstScan, journal.script().size()))
                .allMatch(call -> call.contains("recover("));
    }
}
