package dev.assent.tm.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety proven with real processes: a child JVM commits transactions over two durable
 * resources and halts itself at a protocol point; a new transaction manager opens the same log,
 * recovers, and every transaction must then have the same outcome in both resources, with
 * nothing left prepared.
 */
class CrashRecoveryTest {
    static final String NODE_ID = "crash-node";
    private static final int TRANSACTIONS = 4;
    private static final int CRASH_IN = 3;

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void everyBranchAgreesAfterACrashAt(CrashPoint crashPoint) throws Exception {
        // Resources: rm-a, rm-b (durable files). Fault: the coordinator's JVM halts at the crash
        // point of transaction 3. Expected: transactions 1-2 committed in both; transaction 3
        // committed in both if the decision was forced, else in neither; nothing prepared; a
        // second scan does nothing.
        assertThat(runChild(crashPoint, CRASH_IN, TRANSACTIONS)).isEqualTo(CrashingChild.HALTED);

        List<RecoveryReport> scans = new ArrayList<>();
        try (AssentTransactionManager tm = recoveringManager(scans)) {
            RecoveryReport second = tm.recover();

            assertThat(second.committed()).isEmpty();
            assertThat(second.rolledBack()).isEmpty();
            assertThat(second.stillOwed()).isEmpty();
        }
        assertThat(scans.get(0).committed().size() + scans.get(0).rolledBack().size())
                .as("the first scan resolved what the crash left prepared")
                .isEqualTo(preparedAtCrash(crashPoint));
        assertConsistent(crashPoint.committedAfterRecovery, CRASH_IN);
    }

    /** A crash of the first run, then a crash of the run recovering it, at a step of recovery. */
    enum CrashDuringRecovery {
        AFTER_FIRST_RECOVERY_COMMIT(CrashPoint.AFTER_DECISION_FORCED, "after-commit", "rm-a"),
        AFTER_LAST_RECOVERY_COMMIT(CrashPoint.AFTER_DECISION_FORCED, "after-commit", "rm-b"),
        AFTER_RECOVERY_COMMIT_OF_THE_REST(CrashPoint.BETWEEN_TWO_COMMITS, "after-commit", "rm-b"),
        AFTER_ORPHAN_ROLLBACK(CrashPoint.AFTER_SOME_PREPARES, "after-rollback", "rm-a");

        final CrashPoint first;
        final String point;
        final String where;

        CrashDuringRecovery(CrashPoint first, String point, String where) {
            this.first = first;
            this.point = point;
            this.where = where;
        }
    }

    @ParameterizedTest
    @EnumSource(CrashDuringRecovery.class)
    void aCrashDuringRecoveryIsRecoveredByTheNextRun(CrashDuringRecovery crash) throws Exception {
        // Resources: rm-a, rm-b (durable files). Faults: the coordinator's JVM halts in transaction
        // 3 at {crash.first}; the JVM that recovers it halts at {crash.point} of {crash.where}
        // during its start-up scan. Expected: a third run finishes the job: the same outcome in
        // both resources as after a single crash, nothing prepared, no heuristic, nothing owed.
        assertThat(runChild(crash.first, CRASH_IN, TRANSACTIONS)).isEqualTo(CrashingChild.HALTED);
        assertThat(runJava(
                        "recovering-" + crash,
                        RecoveringChild.class,
                        work.resolve("log").toString(),
                        work.resolve("data").toString(),
                        crash.point,
                        crash.where))
                .isEqualTo(CrashingChild.HALTED);

        try (AssentTransactionManager tm = recoveringManager(new ArrayList<>())) {
            RecoveryReport report = tm.recover();
            assertThat(report.isComplete()).as("%s", report).isTrue();
            assertThat(report.heuristics()).isEmpty();
        }
        assertConsistent(crash.first.committedAfterRecovery, CRASH_IN);
    }

    @Test
    void randomCrashPointsAreRecoveredToo() throws Exception {
        // Seeded, so a failure names the seed and replays exactly.
        long seed = Long.getLong("assent.crash.seed", 20261125L);
        Random random = new Random(seed);
        for (int round = 0; round < 4; round++) {
            Path roundDir = Files.createDirectories(work.resolve("round-" + round));
            CrashPoint crashPoint = CrashPoint.values()[random.nextInt(CrashPoint.values().length)];
            int crashIn = 1 + random.nextInt(TRANSACTIONS);
            String context = "seed " + seed + ", round " + round + ", " + crashPoint + " in tx " + crashIn;
            this.work = roundDir;
            assertThat(runChild(crashPoint, crashIn, TRANSACTIONS)).as(context).isEqualTo(CrashingChild.HALTED);
            try (AssentTransactionManager tm = recoveringManager(new ArrayList<>())) {
                assertThat(tm.recover().rolledBack()).as(context).isEmpty();
            }
            assertConsistent(crashPoint.committedAfterRecovery, crashIn);
        }
    }

    @Test
    void anotherNodesPreparedBranchIsLeftAlone() throws Exception {
        // Resources: rm-a holds a prepared branch of node "other-node". Fault: a crash of ours
        // mid-commit. Expected: our branches resolved; the other node's branch untouched.
        DurableTestResource a = resource("rm-a");
        AssentXid foreign = new XidFactory("other-node", 1).newGlobalXid();
        a.prepareForeign(XidFactory.branchXid(foreign, 1), "foreign-key");
        assertThat(runChild(CrashPoint.BETWEEN_TWO_COMMITS, 1, 1)).isEqualTo(CrashingChild.HALTED);

        try (AssentTransactionManager tm = recoveringManager(new ArrayList<>())) {
            RecoveryReport again = tm.recover();
            assertThat(again.leftAlone()).containsExactly(XidFactory.branchXid(foreign, 1));
        }
        assertThat(a.preparedBranches()).containsExactly(XidFactory.branchXid(foreign, 1));
        assertThat(a.committedKeys()).contains("tx-1");
        assertThat(resource("rm-b").committedKeys()).contains("tx-1");
    }

    private static int preparedAtCrash(CrashPoint crashPoint) {
        return switch (crashPoint) {
            case BEFORE_ANY_PREPARE -> 0;
            case AFTER_SOME_PREPARES -> 1; // rm-a prepared, rolled back as an orphan of an earlier run
            case AFTER_DECISION_FORCED -> 2;
            case BETWEEN_TWO_COMMITS -> 1;
            case BEFORE_COMPLETION_RECORD -> 0;
        };
    }

    private void assertConsistent(boolean crashedCommitted, int crashIn) {
        DurableTestResource a = resource("rm-a");
        DurableTestResource b = resource("rm-b");
        assertThat(a.preparedBranches()).isEmpty();
        assertThat(b.preparedBranches()).isEmpty();
        List<String> expected = new ArrayList<>();
        for (int k = 1; k < crashIn; k++) {
            expected.add("tx-" + k);
        }
        if (crashedCommitted) {
            expected.add("tx-" + crashIn);
        }
        assertThat(a.committedKeys()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(b.committedKeys()).containsExactlyInAnyOrderElementsOf(expected);
    }

    private AssentTransactionManager recoveringManager(List<RecoveryReport> scans) {
        return Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(work.resolve("log"))
                .recoveryInterval(Duration.ZERO)
                .recoveryResource("rm-a", () -> resource("rm-a"))
                .recoveryResource("rm-b", () -> resource("rm-b"))
                .listener(new TransactionListener() {
                    @Override
                    public void recovered(RecoveryReport report) {
                        scans.add(report);
                    }
                })
                .build();
    }

    private DurableTestResource resource(String name) {
        return new DurableTestResource(name, work.resolve("data").resolve(name), (point, where) -> {});
    }

    private int runChild(CrashPoint crashPoint, int crashIn, int transactions) throws Exception {
        return runJava(
                "child-" + crashPoint,
                CrashingChild.class,
                work.resolve("log").toString(),
                work.resolve("data").toString(),
                crashPoint.name(),
                Integer.toString(crashIn),
                Integer.toString(transactions));
    }

    private int runJava(String name, Class<?> mainClass, String... args) throws Exception {
        ChildJvm.Outcome child = ChildJvm.run(work.resolve(name + ".log"), mainClass, args);
        assertThat(child.exitCode())
                .as("exit status of the child JVM; its output:%n%s", child.output())
                .isEqualTo(CrashingChild.HALTED);
        return child.exitCode();
    }
}
