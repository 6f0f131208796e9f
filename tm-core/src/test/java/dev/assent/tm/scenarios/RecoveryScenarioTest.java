package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static javax.transaction.xa.XAException.XA_HEURMIX;
import static javax.transaction.xa.XAException.XA_RBROLLBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.HeuristicOutcome;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.testkit.MutableClock;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** Recovery in one process: owed work, orphans of this run, heuristics and the operator. */
class RecoveryScenarioTest extends ScenarioTest {

    @Test
    void aHeuristicOutcomeStaysListedUntilTheOperatorForgetsIt() throws Exception {
        // Resources: a, b (b registered for recovery). Fault: b.commit answers XA_HEURMIX.
        // Expected: HeuristicMixedException; tm.heuristics() lists b's branch; a scan leaves it
        // alone; forgetHeuristic tells b to forget and the list empties.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XA_HEURMIX);
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        begin(manager, a, b);
        assertThat(catchThrowable(manager::commit)).isInstanceOf(HeuristicMixedException.class);

        List<HeuristicOutcome> heuristics = manager.heuristics();
        assertThat(heuristics).hasSize(1);
        HeuristicOutcome outcome = heuristics.get(0);
        assertThat(outcome.resourceManagerName()).isEqualTo("b");
        assertThat(outcome.outcome()).isEqualTo("XA_HEURMIX");
        assertThat(outcome.decidedCommit()).isTrue();
        assertThat(b.calls(Verb.FORGET)).isZero();

        assertThat(manager.forgetHeuristic(outcome.branchXid())).isTrue();
        assertThat(b.calls(Verb.FORGET)).isEqualTo(1);
        assertThat(manager.heuristics()).isEmpty();
        assertThat(manager.forgetHeuristic(outcome.branchXid())).isFalse();
    }

    @Test
    void anOrphanOfThisRunIsRolledBackOnlyAfterTheGracePeriod() throws Exception {
        // Resources: a (votes NO), b (registered; its rollback fails once with XAER_RMFAIL, so its
        // prepared branch is left behind). Expected: presumed abort. The first scan leaves the
        // orphan alone (it belongs to this run); once the grace period has passed, a scan rolls it
        // back; a further scan does nothing.
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        ScriptedXAResource a = resource("a").fail(Verb.PREPARE, XA_RBROLLBACK);
        ScriptedXAResource b = resource("b").failOnCall(Verb.ROLLBACK, 1, XAER_RMFAIL);
        AssentTransactionManager manager = start(configure()
                .clock(clock)
                .recoveryResource("b", () -> b)
                .recoveryInterval(Duration.ZERO)
                .orphanGracePeriod(Duration.ofSeconds(30)));
        // b prepares first so that it is in doubt when a votes NO.
        begin(manager, b, a);
        assertThat(catchThrowable(manager::commit)).isInstanceOf(RollbackException.class);
        assertThat(b.inDoubt()).hasSize(1);

        RecoveryReport early = manager.recover();
        assertThat(early.rolledBack()).isEmpty();
        assertThat(early.leftAlone()).hasSize(1);

        clock.advance(Duration.ofSeconds(31));
        RecoveryReport late = manager.recover();
        assertThat(late.rolledBack())
                .containsExactlyElementsOf(List.<Xid>of(early.leftAlone().get(0)));
        assertThat(b.inDoubt()).isEmpty();
        assertThat(manager.recover().rolledBack()).isEmpty();
    }

    @Test
    void aBranchInFlightIsNeverTakenForAnOrphan() throws Exception {
        // Resources: b registered, prepared inside a transaction that has not completed (its
        // commit is stuck in a synchronization). Expected: scans leave it alone however long.
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        ScriptedXAResource b = resource("b");
        AssentTransactionManager manager = start(configure()
                .clock(clock)
                .recoveryResource("b", () -> b)
                .recoveryInterval(Duration.ZERO)
                .orphanGracePeriod(Duration.ZERO));
        begin(manager, b);
        // Prepare b by hand, as another branch's manager would while this transaction is open.
        Xid branch = journal.xids().get(0);
        b.prepare(branch);

        clock.advance(Duration.ofMinutes(10));
        RecoveryReport report = manager.recover();

        assertThat(report.rolledBack()).isEmpty();
        assertThat(report.leftAlone()).containsExactly(branch);
        manager.rollback();
    }

    @Test
    void anOwedCommitWhoseResourceIsNotRegisteredIsReportedNotForgotten() throws Exception {
        // Resources: a, b; nothing registered for recovery. Fault: b.commit fails XAER_RMFAIL.
        // Expected: commit returns; every scan reports b's branch as still owed, naming "b".
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").fail(Verb.COMMIT, XAER_RMFAIL);
        AssentTransactionManager manager = start(configure().recoveryInterval(Duration.ZERO));
        begin(manager, a, b);
        manager.commit();

        RecoveryReport report = manager.recover();

        assertThat(report.isComplete()).isFalse();
        assertThat(report.stillOwed()).singleElement().asString().contains("'b'", "addRecoveryResource");
        assertThat(manager.recover().stillOwed()).hasSize(1);
    }

    @Test
    void aRemovedRecoveryResourceIsNoLongerAskedAndItsNameCanBeReused() throws Exception {
        // Resources: b registered, removed, registered again under the same name.
        // Expected: a scan after removal does not call b; re-registration is accepted.
        ScriptedXAResource b = resource("b");
        AssentTransactionManager manager =
                start(configure().recoveryResource("b", () -> b).recoveryInterval(Duration.ZERO));
        int recoverCallsBefore = b.calls(Verb.RECOVER);

        assertThat(manager.removeRecoveryResource("b")).isTrue();
        manager.recover();
        assertThat(b.calls(Verb.RECOVER)).isEqualTo(recoverCallsBefore);
        assertThat(manager.removeRecoveryResource("b")).isFalse();

        manager.addRecoveryResource("b", () -> b);
        manager.recover();
        assertThat(b.calls(Verb.RECOVER)).isGreaterThan(recoverCallsBefore);
    }
}
