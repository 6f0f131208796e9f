package dev.assent.tm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.crash.DurableTestResource;
import dev.assent.tm.internal.log.LogStorage;
import dev.assent.tm.testkit.ChildJvm;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import dev.assent.tm.testkit.XaJournal;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import java.nio.file.Path;
import java.time.Duration;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under the durable log fails to force a commit decision: the decision may or may not be
 * durable, so nothing in this run may act on it, and the log takes no further decisions.
 */
class ForceFailureTest {
    static final String NODE_ID = "force-test";

    private final XaJournal journal = new XaJournal();
    private final FailingForces storage = new FailingForces();

    @TempDir
    Path logDirectory;

    private AssentTransactionManager start(LogStorage logStorage, ScriptedXAResource... registered) {
        Assent.Builder builder = Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .orphanGracePeriod(Duration.ZERO)
                .logStorage(logStorage);
        for (ScriptedXAResource resource : registered) {
            builder.recoveryResource(resource.resourceManagerName(), () -> resource);
        }
        return builder.build();
    }

    @Test
    void aMaybeDurableDecisionIsLeftInDoubtUntilARestartReadsTheLog() throws Exception {
        // Resources: a, b (both registered). Fault: the force of the commit decision fails after
        // the record was written.
        // Expected: commit() throws SystemException; both branches stay prepared: this run's
        // recovery neither commits nor rolls them back and reports them in doubt; the next commit
        // is refused by the stopped log (rolled back, nothing committed). After a restart on a
        // healthy disk the decision is read back and both branches are committed.
        ScriptedXAResource a = journal.resource("a");
        ScriptedXAResource b = journal.resource("b");
        try (AssentTransactionManager tm = start(storage, a, b)) {
            storage.failForces = true;
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);

            Throwable thrown = catchThrowable(tm::commit);

            assertThat(thrown).isInstanceOf(SystemException.class).hasMessageContaining("may or may not be durable");
            RecoveryReport report = tm.recover();
            assertThat(report.committed()).isEmpty();
            assertThat(report.rolledBack()).isEmpty();
            assertThat(report.leftAlone()).hasSize(2);
            assertThat(report.stillOwed()).singleElement().asString().contains("restart");
            assertThat(a.inDoubt()).hasSize(1);
            assertThat(b.inDoubt()).hasSize(1);

            ScriptedXAResource c = journal.resource("c");
            ScriptedXAResource d = journal.resource("d");
            tm.begin();
            tm.getTransaction().enlistResource(c);
            tm.getTransaction().enlistResource(d);
            assertThat(catchThrowable(tm::commit)).isInstanceOf(RollbackException.class);
            assertThat(journal.script()).contains("c.rollback(x3)", "d.rollback(x4)");
            assertThat(c.calls(Verb.COMMIT) + d.calls(Verb.COMMIT)).isZero();
        }
        assertThat(a.calls(Verb.COMMIT) + a.calls(Verb.ROLLBACK) + b.calls(Verb.COMMIT) + b.calls(Verb.ROLLBACK))
                .isZero();

        try (AssentTransactionManager restarted = start(LogStorage.fileSystem(), a, b)) {
            assertThat(a.inDoubt()).isEmpty();
            assertThat(b.inDoubt()).isEmpty();
            assertThat(a.script()).contains("a.commit(x1, false)").noneMatch(call -> call.contains("rollback"));
            assertThat(b.script()).contains("b.commit(x2, false)").noneMatch(call -> call.contains("rollback"));
            assertThat(restarted.recover().isComplete()).isTrue();
        }
    }

    @Test
    void aLoneYesVoterWhoseCommitAndLateDecisionBothFailIsReportedAsUnknown() throws Exception {
        // Resources: a (votes read-only), b (registered). Faults: b's commit answers XAER_RMFAIL,
        // and the force of the decision logged for it then fails.
        // Expected: commit() does not return normally (a crash now would presume abort for a
        // transaction the caller was told committed): SystemException saying the outcome is not
        // known; recovery in this run leaves b's branch alone.
        ScriptedXAResource a = journal.resource("a").voteReadOnly();
        ScriptedXAResource b = journal.resource("b").failOnCall(Verb.COMMIT, 1, XAException.XAER_RMFAIL);
        try (AssentTransactionManager tm = start(storage, b)) {
            tm.begin();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            storage.failForces = true;

            Throwable thrown = catchThrowable(tm::commit);

            assertThat(thrown).isInstanceOf(SystemException.class).hasMessageContaining("not known");
            RecoveryReport report = tm.recover();
            assertThat(report.committed()).isEmpty();
            assertThat(report.rolledBack()).isEmpty();
            assertThat(b.inDoubt()).hasSize(1);
            assertThat(b.calls(Verb.COMMIT)).isEqualTo(1);
        }
    }

    @Test
    void aCrashRightAfterAForceFailureIsRecoveredConsistently() throws Exception {
        // Resources: rm-a, rm-b (durable files). Faults: the force of the commit decision fails,
        // commit() reports SystemException, and the process dies at once (halt). Expected: a
        // restart on a healthy disk ends both branches alike (committed if the record reached the
        // disk, rolled back if not), leaves nothing prepared and reports no heuristic.
        Path data = logDirectory.resolveSibling(logDirectory.getFileName() + "-data");
        ChildJvm.Outcome child = ChildJvm.run(
                logDirectory.resolveSibling(logDirectory.getFileName() + "-child.log"),
                ForceFailureChild.class,
                logDirectory.toString(),
                data.toString());
        assertThat(child.exitCode()).as("child output:%n%s", child.output()).isEqualTo(ForceFailureChild.HALTED);

        DurableTestResource a = new DurableTestResource("rm-a", data.resolve("rm-a"), (point, where) -> {});
        DurableTestResource b = new DurableTestResource("rm-b", data.resolve("rm-b"), (point, where) -> {});
        assertThat(a.preparedBranches()).hasSize(1);
        assertThat(b.preparedBranches()).hasSize(1);
        try (AssentTransactionManager restarted = Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .recoveryResource("rm-a", () -> a)
                .recoveryResource("rm-b", () -> b)
                .build()) {
            RecoveryReport report = restarted.recover();
            assertThat(report.isComplete()).as("%s", report).isTrue();
        }
        assertThat(a.preparedBranches()).isEmpty();
        assertThat(b.preparedBranches()).isEmpty();
        assertThat(a.committedKeys()).isEqualTo(b.committedKeys());
    }
}
