package dev.assent.samples.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2LostUpdateReproTest {
    @TempDir
    Path dir;

    @Test
    void oneThreadWithoutRollbacksStaysConsistentAndCleansUp() throws Exception {
        // One worker, no rollbacks, no busy threads, two rounds on file databases: nothing for
        // H2's bug to act on. Expected: both rounds OK, exit value 0, no database files left.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        ReproOptions options = ReproOptions.parse(
                "--rounds",
                "2",
                "--threads",
                "1",
                "--transactions",
                "300",
                "--rollback-percent",
                "0",
                "--busy",
                "0",
                "--db",
                "file",
                "--dir",
                dir.toString());

        assertThat(H2LostUpdateRepro.run(options, out))
                .as(output.toString(StandardCharsets.UTF_8))
                .isZero();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report)
                .contains("round   1:", "round   2:", "300 committed", "ledger rows 300  OK")
                .contains("CONSISTENT: 0 of 2 rounds drifted (file database, 1 threads");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void rollbacksLeaveNoLedgerRows() throws Exception {
        // Two workers in memory, every transaction rolled back. Expected: nothing committed, no
        // ledger row, every balance still zero.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        ReproOptions options = ReproOptions.parse(
                "--rounds",
                "1",
                "--threads",
                "2",
                "--transactions",
                "200",
                "--rollback-percent",
                "100",
                "--busy",
                "0",
                "--db",
                "mem");

        assertThat(H2LostUpdateRepro.run(options, out)).isZero();

        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("0 committed", "200 rolled back", "ledger rows 0  OK");
    }

    @Test
    void aBalanceThatDisagreesWithItsLedgerIsADrift() throws Exception {
        // The check itself, on a database written by hand: account 1's balance is 5 short of its
        // ledger rows. Expected: the drift names that account and amount; a round result holding
        // it, or fewer ledger rows than commits, counts as drifted.
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:drift-check", "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            statement.execute("CREATE TABLE ledger (id INT PRIMARY KEY, account INT NOT NULL, amount BIGINT NOT NULL)");
            statement.execute("INSERT INTO account VALUES (0, 7), (1, 10)");
            statement.execute("INSERT INTO ledger VALUES (1, 0, 7), (2, 1, 8), (3, 1, 7)");

            assertThat(H2LostUpdateRepro.drift(connection)).containsExactly(0, -5);
        }

        StressRound.Result lost = new StressRound.Result(3, 0, 0, 0, 3, new long[] {0, -5}, 10);
        assertThat(lost.drifted()).isTrue();
        assertThat(lost.toString()).contains("DRIFT -5", "[0, -5]");
        assertThat(new StressRound.Result(3, 0, 0, 0, 2, new long[] {0, 0}, 10).drifted())
                .isTrue();
        assertThat(new StressRound.Result(3, 0, 0, 1, 4, new long[] {0, 0}, 10).drifted())
                .isFalse();
    }

    @Test
    void aWrongOptionIsExplainedInOneSentence() {
        assertThatThrownBy(() -> ReproOptions.parse("--rollback-percent", "101"))
                .hasMessage("--rollback-percent takes a whole number from 0 to 100, got '101'");
        assertThatThrownBy(() -> ReproOptions.parse("--db", "tcp")).hasMessage("--db takes mem or file, got 'tcp'");
        assertThatThrownBy(() -> ReproOptions.parse("--isolation", "dirty")).hasMessageContaining("repeatable-read");
        assertThatThrownBy(() -> ReproOptions.parse("--fast")).hasMessageContaining("--help");
        assertThat(ReproOptions.USAGE).contains("--rounds N", "--busy N", "--select-for-update", "--url-options");
    }
}
