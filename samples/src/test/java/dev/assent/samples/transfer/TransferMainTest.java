package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferMainTest {
    @TempDir
    Path dataDir;

    @Test
    void transfersConserveMoneyAndLeaveNothingPrepared() throws Exception {
        // Two H2 banks, 4 threads, 300 transfers of which some overdraw (rolled back on both sides).
        // Expected: the run reports success; a second run on the same data continues from there.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        TransferOptions options = TransferOptions.parse(
                "--threads", "4", "--transfers", "300", "--accounts", "20", "--data-dir", dataDir.toString());

        assertThat(TransferMain.run(options, out)).isTrue();
        assertThat(TransferMain.run(options, out)).isTrue();

        String report = output.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("OK, conserved").doesNotContain("MISMATCH", "NOT RESOLVED");
        assertThat(report).containsPattern("rolled back \\(no funds\\) +[1-9]");
    }

    @Test
    void aWrongOptionIsExplainedInOneSentence() {
        assertThatThrownBy(() -> TransferOptions.parse("--threads", "zero"))
                .hasMessage("--threads takes a positive whole number, got 'zero'");
        assertThatThrownBy(() -> TransferOptions.parse("--colour")).hasMessageContaining("--help");
    }
}
