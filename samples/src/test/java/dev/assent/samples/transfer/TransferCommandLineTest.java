package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.samples.support.SampleProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer sample as a user meets it on the command line: run as its own process (output
 * piped to a file, no terminal), its output read as text. A mistake is refused in one sentence,
 * a failure is one sentence too (the stack trace only with --verbose), and the output has no
 * carriage returns and fits on one screen.
 */
class TransferCommandLineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** An exception's class name, which a user's error line should not need. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Za-z.]*(Exception|Error)\\b");
    /** A line of the libraries' logging (slf4j-simple): not printed by the sample itself. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*");

    @TempDir
    Path dir;

    @Test
    void pipedOutputHasNoCarriageReturns() {
        // Output to a file, as in a pipe: the progress bar must not redraw with '\r'.
        SampleProcess.Result run =
                sample("--db", "h2", "--threads", "1", "--transfers", "1", "--data-dir", dir.toString());

        assertThat(run.output()).doesNotContain("\r").contains("transfers committed");
    }

    private SampleProcess.Result sample(String... args) {
        return SampleProcess.run(dir.resolve("runs"), LIMIT, TransferMain.class, args);
    }

    private static void assertOneSentence(SampleProcess.Result result, int status, String expected) {
        List<String> errors = result.lines().stream()
                .filter(line -> line.startsWith("error:"))
                .toList();
        assertThat(errors).as(result.output()).hasSize(1);
        assertThat(errors.get(0)).contains(expected).doesNotContainPattern(CLASS_NAME);
        assertThat(result.lines()).as(result.output()).noneMatch(line -> line.startsWith("\tat "));
        assertThat(result.output()).doesNotContain("Caused by:", "\r");
        assertThat(result.exitStatus()).as(result.output()).isEqualTo(status);
    }

    private static void assertTraced(SampleProcess.Result result, String expected) {
        assertThat(result.lines())
                .filteredOn(line -> line.startsWith("error:"))
                .singleElement()
                .satisfies(line -> assertThat(line).contains(expected));
        assertThat(result.lines()).as(result.output()).anyMatch(line -> line.startsWith("\tat dev.assent."));
        assertThat(result.exitStatus()).as(result.output()).isEqualTo(1);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String[] append(String[] args, String arg) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(arg);
        return all.toArray(String[]::new);
    }
}
