package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.testkit.CapturedLog;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines a user reads when a manager with a durable log starts. */
class StartUpLogTest extends ScenarioTest {
    @TempDir
    Path logDirectory;

    @Test
    void theOpenedLogIsReportedOnceWithItsAbsolutePathAndCountsInWords() throws Exception {
        // Resources: none. A first run creates the log; a second one, given the directory as a
        // relative path, opens it (one segment, nothing owed). Expected: one INFO line about the
        // log per start, naming the absolute path, with singular nouns for counts of one.
        Path relative = Path.of("").toAbsolutePath().relativize(logDirectory);
        start(durable(logDirectory)).close();

        try (CapturedLog log = CapturedLog.start()) {
            start(durable(relative));

            assertThat(log.lines())
                    .filteredOn(line -> line.contains("transaction log"))
                    .singleElement()
                    .asString()
                    .contains(" INFO ", "transaction log " + logDirectory + " opened:", "1 segment read,")
                    .doesNotContain("(s)");
        }
    }

    private Assent.Builder durable(Path directory) {
        return Assent.configure()
                .nodeId("test")
                .logDirectory(directory)
                .listener(listener)
                .recoveryInterval(Duration.ZERO);
    }
}
