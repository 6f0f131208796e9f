package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.samples.support.SampleProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferMainTest {
    @TempDir
    Path dataDir;

    @Test
    @Tag("database")
    void theDefaultRunOnEmbeddedPostgresConservesMoneyAndLeavesNothingPrepared() throws Exception {
        // No --db: two embedded PostgreSQL servers, 4 threads, 200 transfers of which some
        // overdraw (rolled back on both sides). Expected: the run reports success and prints no
        // H2 caveat; a second run restarts the servers on the same data and continues from there.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        TransferOptions options = TransferOptions.parse(
                "--threads", "4", "--transfers", "200", "--accounts", "20", "--data-dir", dataDir.toString());

        assertThat(TransferMain.run(options, out)).as("first run:%n%s", output).isTrue();
        assertThat(TransferMain.run(options, out)).as("second run:%n%s", output).isTrue();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report)
                .contains("OK, conserved", "bank-a (PostgreSQL) 0, bank-b (PostgreSQL) 0  OK")
                .doesNotContain("MISMATCH", "NOT RESOLVED", "INCOMPLETE", "Caveat");
        assertThat(report).containsPattern("rolled back \\(no funds\\) +[1-9]");
        assertThat(dataDir.resolve("postgres-a")).isDirectory();
    }

    @Test
    void transfersConserveMoneyAndLeaveNothingPrepared() throws Exception {
        // Two H2 banks (--db h2), 4 threads, 300 transfers of which some overdraw (rolled back on
        // both sides). Expected: the run warns about H2's lost updates, then reports success; a
        // second run on the same data continues from there.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        TransferOptions options = TransferOptions.parse(
                "--db",
                "h2",
                "--threads",
                "4",
                "--transfers",
                "300",
                "--accounts",
                "20",
                "--data-dir",
                dataDir.toString());

        assertThat(TransferMain.run(options, out)).as("first run:%n%s", output).isTrue();
        assertThat(TransferMain.run(options, out)).as("second run:%n%s", output).isTrue();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("OK, conserved").doesNotContain("MISMATCH", "NOT RESOLVED", "INCOMPLETE");
        assertThat(report).containsPattern("rolled back \\(no funds\\) +[1-9]");
        assertThat(report).contains(TransferMain.H2_CAVEAT, "dev.assent.samples.h2.H2LostUpdateRepro");
        assertThat(dataDir.resolve("log")).isDirectory();
    }

    @Test
    void aRunHaltedInTheMiddleOfACommitIsRecoveredByTheNextOne() throws Exception {
        // A child JVM halts after the commit decision of transfer 31 is logged, its branches
        // prepared in both H2 databases. Expected: exit status 3 (halt); the next run commits the
        // prepared branches first, the money adds up to what was seeded, nothing stays prepared.
        List<String> args = List.of(
                "--db",
                "h2",
                "--threads",
                "2",
                "--transfers",
                "200",
                "--accounts",
                "10",
                "--crash-after",
                "30",
                "--data-dir",
                dataDir.toString());
        SampleProcess.Result crashed = SampleProcess.run(
                dataDir.resolve("runs"), Duration.ofSeconds(60), TransferMain.class, args.toArray(String[]::new));
        assertThat(crashed.exitStatus()).as(crashed.output()).isEqualTo(RunListener.CRASH_STATUS);
        assertThat(crashed.output()).contains("--crash-after 30: halting").doesNotContain("transfers committed");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        TransferOptions rerun = TransferOptions.parse(
                "--db",
                "h2",
                "--threads",
                "2",
                "--transfers",
                "100",
                "--accounts",
                "10",
                "--data-dir",
                dataDir.toString());
        assertThat(TransferMain.run(rerun, out)).isTrue();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report).containsPattern("recovery at start-up: [1-9][0-9]* branch(es)? committed");
        assertThat(report)
                .contains("money before / after           200,000 / 200,000  OK, conserved")
                .contains("bank-a (H2) 0, bank-b (H2) 0  OK")
                .doesNotContain("INCOMPLETE");
    }

    @Test
    @Tag("database")
    void mixedPostgresAndMariaDbBanksConserveMoney() throws Exception {
        // Bank A on an embedded PostgreSQL server, bank B on an embedded MariaDB server, both
        // stopped at the end. Expected: success; no prepared transaction in pg_prepared_xacts or
        // XA RECOVER.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        TransferOptions options = TransferOptions.parse(
                "--db",
                "mixed",
                "--threads",
                "4",
                "--transfers",
                "200",
                "--accounts",
                "20",
                "--data-dir",
                dataDir.toString());

        assertThat(TransferMain.run(options, out))
                .as(output.toString(StandardCharsets.UTF_8))
                .isTrue();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("OK, conserved", "bank-a (PostgreSQL) 0, bank-b (MariaDB) 0  OK");
    }

    @Test
    void aWrongOptionIsExplainedInOneSentence() {
        assertThatThrownBy(() -> TransferOptions.parse("--threads", "zero"))
                .hasMessage("--threads takes a positive whole number, got 'zero'");
        assertThatThrownBy(() -> TransferOptions.parse("--colour")).hasMessageContaining("--help");
        assertThatThrownBy(() -> TransferOptions.parse("--db", "oracle")).hasMessageContaining("h2, postgres");
        assertThatThrownBy(() -> TransferOptions.parse("--url-a", "jdbc:h2:mem:a"))
                .hasMessage("--url-a and --url-b go together; give both");
        assertThatThrownBy(() -> TransferOptions.parse("--url-a", "jdbc:oracle:x", "--url-b", "jdbc:h2:mem:b"))
                .hasMessageContaining("--url-a must start with jdbc:postgresql:");
    }

    @Test
    void theDefaultDatabaseIsEmbeddedPostgres() {
        assertThat(TransferOptions.parse().setup()).isEqualTo(TransferOptions.DatabaseSetup.POSTGRES);
        assertThat(TransferOptions.parse("--db", "h2").setup()).isEqualTo(TransferOptions.DatabaseSetup.H2);
        assertThat(TransferOptions.USAGE).contains("(default postgres)");
    }

    @Test
    void externalUrlsNameTheProduct() {
        TransferOptions options = TransferOptions.parse(
                "--url-a",
                "jdbc:postgresql://db-a/bank",
                "--user-a",
                "a",
                "--password-a",
                "secret",
                "--url-b",
                "jdbc:mysql://db-b/bank");
        assertThat(options.setup()).isEqualTo(TransferOptions.DatabaseSetup.EXTERNAL);
        assertThat(options.externalA().product()).isEqualTo(Endpoint.Product.POSTGRES);
        assertThat(options.externalB().product()).isEqualTo(Endpoint.Product.MARIADB);
        assertThat(options.externalA().toString()).doesNotContain("secret");
        assertThat(TransferOptions.USAGE).contains("--crash-after N", "--db KIND", "--url-a URL");
    }
}
