package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.samples.support.SampleProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One data directory (the default ./transfer-data for every --db), one transaction
 * log, and the resource names bank-a and bank-b for whatever databases the run uses. A run on other
 * databases after a crash would make recovery take the log's owed commits for done (the other
 * databases do not list the branches), and the next run on the crashed databases would then find
 * their prepared branches with no decision and presume them aborted, though the decision was
 * commit. Hence a data directory serves the databases of its first run only.
 */
class SwitchedDatabasesTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aRunOnOtherDatabasesIsRefusedSoRecoveryNeverForgetsTheCrashedRunsCommits() {
        String dataDir = dir.resolve("data").toString();
        // Run 1: two H2 banks; halts after a commit decision is logged, both branches prepared.
        SampleProcess.Result crashed = sample(
                "--db", "h2", "--threads", "1", "--transfers", "20", "--crash-after", "3", "--data-dir", dataDir);
        assertThat(crashed.exitStatus()).as(crashed.output()).isEqualTo(RunListener.CRASH_STATUS);

        // Run 2: the same data directory, other databases (as --db postgres / mixed, or --url-a/-b, would be).
        SampleProcess.Result elsewhere = sample(
                "--url-a",
                "jdbc:h2:" + dir.resolve("other/x"),
                "--url-b",
                "jdbc:h2:" + dir.resolve("other/y"),
                "--threads",
                "1",
                "--transfers",
                "5",
                "--data-dir",
                dataDir);

        // Run 3: back on the crashed run's databases. The transfer decided "commit" must be committed
        // in both banks (or, if refused, the refusal must come before anything is forgotten).
        SampleProcess.Result back = sample("--db", "h2", "--threads", "1", "--transfers", "5", "--data-dir", dataDir);

        // Run 2 is refused before it registers anything, naming the databases the log belongs to;
        // run 3 then commits the crashed run's decided transfer in both banks.
        assertThat(elsewhere.exitStatus()).as(elsewhere.output()).isEqualTo(1);
        assertThat(elsewhere.lines())
                .as(elsewhere.output())
                .anyMatch(line -> line.startsWith("error: ")
                        && line.contains("holds the transaction log of runs with --db h2")
                        && line.contains("another --data-dir"));
        assertThat(elsewhere.output()).doesNotContain("recovery at start-up");

        Matcher recovery = Pattern.compile("recovery at start-up: (\\d+) branch(?:es)? committed, (\\d+) rolled back")
                .matcher(back.output());
        assertThat(recovery.find()).as(back.output()).isTrue();
        assertThat(Integer.parseInt(recovery.group(1)))
                .as("the crashed run's decided transfer committed in both banks\n" + back.output())
                .isGreaterThanOrEqualTo(2);
        assertThat(recovery.group(2))
                .as("branches of a transaction decided commit rolled back\n" + back.output())
                .isEqualTo("0");
        assertThat(back.exitStatus()).as(back.output()).isZero();
        assertThat(back.output()).contains("OK, conserved");
    }

    private SampleProcess.Result sample(String... args) {
        return SampleProcess.run(dir.resolve("runs"), LIMIT, TransferMain.class, args);
    }
}
