package dev.assent.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery figures in the report. Scenario: three runs of Assent and two of Narayana, each in
 * both resource commit modes. Expected: the median row is the run with the median total (the lower
 * middle for two), the CSV reads back what was written, results.md gets the section once however
 * often it is written, and a coordinator report written afterwards keeps it.
 */
class RecoverySectionTest {
    @TempDir
    Path out;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static List<RecoveryMeasurement> runs() {
        return List.of(
                new RecoveryMeasurement("assent-file", "written", 10_000, "1", 2_000, 1_500, 480, 0),
                new RecoveryMeasurement("assent-file", "written", 10_000, "2", 1_800, 1_300, 470, 0),
                new RecoveryMeasurement("assent-file", "written", 10_000, "3", 2_500, 2_000, 490, 0),
                new RecoveryMeasurement("narayana-journal", "written", 10_000, "1", 4_000, 1_000, 2_000, 1_000),
                new RecoveryMeasurement("narayana-journal", "written", 10_000, "2", 3_800, 1_000, 1_800, 1_000));
    }

    @Test
    void theMedianIsTheRunWithTheMedianTotal() {
        List<RecoveryMeasurement> all = RecoveryMeasurement.withMedians(runs());

        assertThat(all).hasSize(7);
        assertThat(all.get(3))
                .isEqualTo(new RecoveryMeasurement(
                        "assent-file", "written", 10_000, RecoveryMeasurement.MEDIAN, 2_000, 1_500, 480, 0));
        assertThat(all.get(6).totalMs()).as("lower middle of two").isEqualTo(3_800);
        assertThat(all.get(3).branchesPerSecond()).isEqualTo(10_000);
        assertThat(RecoveryMeasurement.withMedians(all))
                .as("medians are not taken twice")
                .isEqualTo(all);
    }

    @Test
    void theCsvReadsBackWhatWasWritten() throws IOException {
        List<RecoveryMeasurement> all = RecoveryMeasurement.withMedians(runs());
        Path csv = out.resolve(RecoveryCsv.FILE);
        RecoveryCsv.write(all, csv);

        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8))
                .startsWith(RecoveryCsv.HEADER, "assent-file,written,10000,20000,1,2000.0,1500.0,480.0,0.0,10000")
                .contains("narayana-journal,written,10000,20000,median,3800.0,1000.0,1800.0,1000.0,5263");
        assertThat(RecoveryCsv.read(csv)).isEqualTo(all);

        Files.writeString(csv, "something else\n");
        assertThatThrownBy(() -> RecoveryCsv.read(csv)).hasMessageContaining("not a recovery CSV");
        Files.writeString(csv, RecoveryCsv.HEADER + "\nassent-file,written,many\n");
        assertThatThrownBy(() -> RecoveryCsv.read(csv)).hasMessageContaining("line 2");
    }

    @Test
    void theSectionIsWrittenOnceAndReplacedByALaterRun() throws IOException {
        Path md = out.resolve("results.md");
        RunMachine machine = RunMachine.started(out).ended();
        String first = RecoverySection.markdown(RecoveryMeasurement.withMedians(runs()));
        RecoverySection.writeInto(md, first, machine, "today");

        String written = Files.readString(md, StandardCharsets.UTF_8);
        assertThat(written)
                .startsWith("# Recovery time (today)")
                .contains("cores available to the JVM")
                .contains("10,000 in-doubt transactions")
                .contains(
                        "| `assent-file` | written | 2,000 | 10,000 | 1,500 | 480 | 0 | 2,000 | 2,000, 1,800, 2,500 |")
                .contains(
                        "| `narayana-journal` | written | 3,800 | 5,263 | 1,000 | 1,800 | 1,000 | 2,800 | 4,000, 3,800 |");

        String second = RecoverySection.markdown(RecoveryMeasurement.withMedians(runs().subList(0, 1)));
        RecoverySection.writeInto(md, second, machine, "today");
        String rewritten = Files.readString(md, StandardCharsets.UTF_8);
        assertThat(rewritten).doesNotContain("narayana-journal` | written");
        assertThat(rewritten.split(RecoverySection.START, -1)).hasSize(2);
        assertThat(RecoverySection.markdown(List.of())).contains("No recovery result.");
    }

    @Test
    void aCoordinatorReportKeepsTheRecoverySection() throws IOException, URISyntaxException {
        RecoveryCsv.write(RecoveryMeasurement.withMedians(runs()), out.resolve(RecoveryCsv.FILE));
        Path dir = Path.of(RecoverySectionTest.class
                        .getResource("/report/fsync.json")
                        .toURI())
                .getParent();

        ReportMain.write(
                List.of(dir.resolve("coordinator-t1.json")),
                out,
                "sample",
                RunMachine.started(out).ended());

        String md = Files.readString(out.resolve(ReportMain.MARKDOWN), StandardCharsets.UTF_8);
        assertThat(md)
                .startsWith("# Coordinator overhead")
                .contains("![throughput against threads](throughput.png)")
                .contains("## Recovery after a crash")
                .contains("| `assent-file` | written | 2,000 |");
    }
}
