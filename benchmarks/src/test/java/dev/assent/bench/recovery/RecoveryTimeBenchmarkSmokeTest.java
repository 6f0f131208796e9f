package dev.assent.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.BenchDirectories;
import dev.assent.bench.report.RecoveryCsv;
import dev.assent.bench.report.RecoveryMeasurement;
import dev.assent.bench.report.RunMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery benchmark end to end, small: 200 transactions, one run each of Assent (resources
 * forcing their commits) and Narayana's journal store (resources only writing them). Scenario: a child JVM
 * leaves 200 decided, uncommitted two-branch transactions and halts; a fresh JVM recovers them.
 * Expected: every round measured, the recovering JVM reported 400 branches committed, and the two
 * stores, reopened here, hold 200 committed branches each and nothing prepared; the CSV and the
 * Markdown section are written.
 */
class RecoveryTimeBenchmarkSmokeTest {
    private static final int TRANSACTIONS = 200;

    @TempDir
    Path data;

    @Test
    void everyBranchEndsCommittedAndNothingStaysPrepared() throws Exception {
        System.setProperty(BenchDirectories.PROPERTY, data.toString());
        RecoveryTimeBenchmark.Settings settings = RecoveryTimeBenchmark.Settings.defaults()
                .withTransactions(TRANSACTIONS)
                .withRepeats(1)
                .withCrashThreads(2)
                .withChildJvm(
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        coverageAgent())
                .keepingWorkDirectories();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        RecoveryTimeBenchmark.Outcome assent;
        RecoveryTimeBenchmark.Outcome narayana;
        try (PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
            assent = RecoveryTimeBenchmark.run(
                    settings.withTargets(List.of(RecoveryTarget.ASSENT_FILE))
                            .withCommitModes(List.of(ResourceCommit.FORCED)),
                    out);
            narayana = RecoveryTimeBenchmark.run(
                    settings.withTargets(List.of(RecoveryTarget.NARAYANA_JOURNAL))
                            .withCommitModes(List.of(ResourceCommit.WRITTEN)),
                    out);
        }

        assertThat(assent.failures())
                .as(progress.toString(StandardCharsets.UTF_8))
                .isEmpty();
        assertThat(narayana.failures())
                .as(progress.toString(StandardCharsets.UTF_8))
                .isEmpty();
        assertThat(assent.measurements())
                .extracting(m -> m.manager() + " " + m.resourceCommit() + " " + m.run())
                .containsExactly("assent-file forced 1", "assent-file forced median");
        for (RecoveryMeasurement m :
                List.of(assent.measurements().get(0), narayana.measurements().get(0))) {
            assertThat(m.totalMs()).as("%s", m).isPositive();
            assertThat(m.openMs() + m.scanMs() + m.waitMs()).as("%s", m).isLessThanOrEqualTo(m.totalMs());
            assertThat(m.branches()).isEqualTo(2L * TRANSACTIONS);
        }
        assertThat(narayana.measurements().get(0).waitMs())
                .as("Narayana's back-off between its passes")
                .isGreaterThanOrEqualTo(900);

        List<Path> rounds = workDirectories();
        assertThat(rounds).hasSize(2);
        for (Path work : rounds) {
            String recovered = Files.readString(work.resolve("result.properties"), StandardCharsets.UTF_8);
            assertThat(recovered).contains("prepared_after=0").contains("committed_after=" + 2 * TRANSACTIONS);
            for (String name : WorkDirectory.RESOURCE_MANAGERS) {
                try (BranchStore store = BranchStore.open(WorkDirectory.store(work, name), ResourceCommit.FORCED)) {
                    assertThat(store.prepared()).as("%s in %s", name, work).isEmpty();
                    assertThat(store.committedCount())
                            .as("%s in %s", name, work)
                            .isEqualTo(TRANSACTIONS);
                    assertThat(store.rolledBackCount())
                            .as("%s in %s", name, work)
                            .isZero();
                }
            }
        }
        assertThat(Files.readString(rounds.get(0).resolve("recover.log"), StandardCharsets.UTF_8))
                .doesNotContain("Exception");

        Path out = data.resolve("results");
        RecoveryTimeBenchmark.write(
                assent.measurements(), out, "smoke", RunMachine.started(out).ended());
        assertThat(RecoveryCsv.read(out.resolve(RecoveryCsv.FILE)))
                .extracting(RecoveryMeasurement::run)
                .containsExactly("1", "median");
        assertThat(Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8))
                .startsWith("# Recovery time (smoke)")
                .contains("## Recovery after a crash")
                .contains("| `assent-file` | forced |")
                .contains("The machine of the recovery run:")
                .contains(" at the start, ");
        assertThat(RunMachine.read(out.resolve(RecoveryCsv.MACHINE_FILE))).isPresent();
    }

    private List<Path> workDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(data)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("recovery-"))
                    .sorted()
                    .toList();
        }
    }

    /** JaCoCo's agent, when the build runs this JVM with it, so the children count towards coverage. */
    private static List<String> coverageAgent() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:") && a.contains("jacoco"))
                .toList();
    }
}
