package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.samples.support.SampleProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
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
    void aDataDirectoryThatIsAFileIsRefusedInOneSentence() throws IOException {
        // --data-dir names a regular file. Expected: one "error:" line saying so, status 1, no
        // stack trace; with --verbose, the stack trace as well.
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        SampleProcess.Result plain = sample("--db", "h2", "--data-dir", file.toString());
        assertOneSentence(plain, 1, "--data-dir " + file + " is a file, not a directory");

        SampleProcess.Result verbose = sample("--db", "h2", "--data-dir", file.toString(), "--verbose");
        assertTraced(verbose, "--data-dir " + file + " is a file, not a directory");
    }

    @Test
    void aDataDirectoryInUseByAnotherRunNamesThatRunsPid() throws Exception {
        // One run works through a million transfers; a second one starts on the same data
        // directory. Expected: the second stops at once with one sentence naming the first's pid
        // (the data directory's lock, taken before the servers and the transaction log), status 1;
        // the first is not disturbed.
        String dataDir = dir.resolve("data").toString();
        SampleProcess first = SampleProcess.start(
                dir.resolve("runs"),
                TransferMain.class,
                List.of("--db", "h2", "--threads", "1", "--transfers", "1000000", "--data-dir", dataDir));
        try {
            first.awaitOutput("recovery at start-up", LIMIT);

            SampleProcess.Result second = sample("--db", "h2", "--data-dir", dataDir);
            assertOneSentence(second, 1, "another run of the sample (pid " + first.pid() + ") is using ");

            SampleProcess.Result verbose = sample("--db", "h2", "--data-dir", dataDir, "--verbose");
            assertTraced(verbose, "another run of the sample (pid " + first.pid() + ") is using ");
            assertThat(first.output()).doesNotContain("error:");
        } finally {
            first.kill();
        }
    }

    @Test
    void anUnreachableDatabaseIsOneSentence() throws IOException {
        // --url-a and --url-b name ports nobody listens on. Expected: one sentence naming bank A's
        // URL and what to check, status 1.
        String urlA = "jdbc:postgresql://127.0.0.1:" + unusedPort() + "/bank";
        String urlB = "jdbc:postgresql://127.0.0.1:" + unusedPort() + "/other";
        String[] args = {"--url-a", urlA, "--url-b", urlB, "--data-dir", dir.toString()};

        SampleProcess.Result plain = sample(args);
        assertOneSentence(plain, 1, "cannot reach PostgreSQL at " + urlA);

        SampleProcess.Result verbose = sample(append(args, "--verbose"));
        assertTraced(verbose, "cannot reach PostgreSQL at " + urlA);
    }

    @Test
    void theSameDatabaseTwiceIsRefusedBeforeAnyTransfer() throws IOException {
        // Bank A and bank B on one H2 database: spelled identically, spelled two ways (file:
        // prefix, a setting), and reached through a symbolic link that no spelling reveals.
        // Expected: the first two refused as options (status 2), the third once connected
        // (status 1), each in one sentence and before any transfer.
        String bank = dir.resolve("bank").toString();
        SampleProcess.Result identical = sample("--url-a", "jdbc:h2:" + bank, "--url-b", "jdbc:h2:" + bank);
        assertOneSentence(identical, 2, "--url-a and --url-b name the same database; give two different databases");

        SampleProcess.Result twoSpellings =
                sample("--url-a", "jdbc:h2:" + bank, "--url-b", "jdbc:h2:file:" + bank + ";LOCK_TIMEOUT=5000");
        assertOneSentence(twoSpellings, 2, "--url-a and --url-b name the same database");

        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        SampleProcess.Result throughLink = sample(
                "--url-a",
                "jdbc:h2:" + real.resolve("bank"),
                "--url-b",
                "jdbc:h2:" + link.resolve("bank"),
                "--data-dir",
                dir.resolve("data").toString());
        assertOneSentence(throughLink, 1, "--url-a and --url-b reach the same database; give two different databases");
        assertThat(throughLink.output()).doesNotContain("transfers committed");
    }

    @Test
    void urlsAreComparedAsTheDatabasesTheyName() {
        assertThat(Endpoint.of("a", "jdbc:postgresql://DB-A/bank", "", "").databaseKey())
                .isEqualTo(Endpoint.of("b", "jdbc:postgresql://db-a:5432/bank?ssl=false", "", "")
                        .databaseKey());
        assertThat(Endpoint.of("a", "jdbc:mysql://db:3306/bank", "", "").databaseKey())
                .isEqualTo(Endpoint.of("b", "jdbc:mariadb://db/bank", "", "").databaseKey());
        assertThat(Endpoint.of("a", "jdbc:h2:/data/x/../bank", "", "").databaseKey())
                .isEqualTo(Endpoint.of("b", "jdbc:h2:file:/data/bank;WRITE_DELAY=0", "", "")
                        .databaseKey());
        assertThat(Endpoint.of("a", "jdbc:postgresql://db/bank-a", "", "").databaseKey())
                .isNotEqualTo(
                        Endpoint.of("b", "jdbc:postgresql://db/bank-b", "", "").databaseKey());
        assertThat(Endpoint.of("a", "jdbc:postgresql://db:5432/bank", "", "").databaseKey())
                .isNotEqualTo(Endpoint.of("b", "jdbc:postgresql://db:5433/bank", "", "")
                        .databaseKey());
    }

    @Test
    void anExistingBankKeepsItsAccountCount() {
        // A first run creates both banks with 20 accounts; a second asks for 50. Expected: the
        // second says that each bank already holds 20 and transfers between those only, so no
        // transfer fails (before, credits to accounts 20-49 failed without a word).
        String dataDir = dir.resolve("data").toString();
        SampleProcess.Result created =
                sample("--db", "h2", "--threads", "2", "--transfers", "100", "--accounts", "20", "--data-dir", dataDir);
        assertThat(created.output()).doesNotContain("already holds").containsPattern("failed +0\\R");

        SampleProcess.Result more =
                sample("--db", "h2", "--threads", "2", "--transfers", "300", "--accounts", "50", "--data-dir", dataDir);

        assertThat(more.output())
                .contains("bank-a already holds 20 accounts; --accounts applies when a bank is created")
                .contains("bank-b already holds 20 accounts; --accounts applies when a bank is created")
                .containsPattern("transfers committed +[1-9]")
                .containsPattern("failed +0\\R");
    }

    @Test
    void aCrashThatCanNeverHappenIsRefusedAndOneThatDidNotIsReported() {
        // --crash-after N counts commit decisions and halts at the one after the N-th. N equal to
        // --transfers can never halt: refused as an option. N = 39 of 40 on accounts holding 1
        // cent each: transfers from emptied accounts roll back, so fewer than 40 commit and the
        // run ends without halting. Expected: the report says so and the status is 1, not 0.
        SampleProcess.Result never = sample("--db", "h2", "--transfers", "10", "--crash-after", "10");
        assertOneSentence(never, 2, "--crash-after 10 can never halt a run of 10 transfers");

        SampleProcess.Result notHalted = sample(
                "--db",
                "h2",
                "--threads",
                "1",
                "--transfers",
                "40",
                "--crash-after",
                "39",
                "--accounts",
                "2",
                "--balance",
                "1",
                "--data-dir",
                dir.toString());
        assertThat(notHalted.exitStatus()).as(notHalted.output()).isEqualTo(1);
        assertThat(notHalted.output())
                .contains("--crash-after 39 did not halt the run: it counts commit decisions")
                .containsPattern("rolled back \\(no funds\\) +[1-9]");
    }

    @Test
    void moreThreadsThanTransfersRunOneThreadPerTransfer() {
        SampleProcess.Result run =
                sample("--db", "h2", "--threads", "8", "--transfers", "3", "--data-dir", dir.toString());

        assertThat(run.output())
                .contains("Assent transfer sample: 3 transfers on 3 threads")
                .contains("--threads 8 is more than there are transfers: running 3 threads")
                .containsPattern("transfers committed +[1-3]\\R");
    }

    @Test
    void pipedOutputHasNoCarriageReturnsAndNoSingularPlurals() {
        // Output to a file, as in a pipe: the progress bar must not redraw with '\r'. One
        // transfer on one thread: every count of one reads in the singular.
        SampleProcess.Result run =
                sample("--db", "h2", "--threads", "1", "--transfers", "1", "--data-dir", dir.toString());

        assertThat(run.output())
                .doesNotContain("\r")
                .contains("Assent transfer sample: 1 transfer on 1 thread, data in")
                .doesNotContainPattern("\\b1 (transfers|threads|branches|accounts)\\b");
    }

    @Test
    @Tag("database")
    void theDefaultRunFitsOnOneScreen() {
        // No option but the data directory: two embedded PostgreSQL servers, 2,000 transfers.
        // Expected: success, no carriage return, and at most 24 lines printed by the sample
        // itself (the libraries' log lines are theirs to route).
        SampleProcess.Result run = SampleProcess.run(
                dir.resolve("runs"), Duration.ofSeconds(120), TransferMain.class, "--data-dir", dir.toString());

        assertThat(run.exitStatus()).as(run.output()).isZero();
        List<String> ownLines = run.lines().stream()
                .filter(line -> !LOG_LINE.matcher(line).matches())
                .toList();
        assertThat(ownLines).as(run.output()).hasSizeLessThanOrEqualTo(24);
        assertThat(run.output()).doesNotContain("\r");
    }

    @Test
    void optionsThatCanNeverWorkAreRefusedAtParse() {
        assertThatThrownBy(() -> TransferOptions.parse("--transfers", "5", "--crash-after", "7"))
                .hasMessage("--crash-after 7 can never halt a run of 5 transfers; give a number below --transfers");
        assertThatThrownBy(() -> TransferOptions.parse(
                        "--url-a", "jdbc:postgresql://db/bank", "--url-b", "jdbc:postgresql://db:5432/bank"))
                .hasMessage("--url-a and --url-b name the same database; give two different databases");
        assertThat(TransferOptions.parse("--threads", "8", "--transfers", "3").threads())
                .isEqualTo(3);
        assertThat(TransferOptions.USAGE).contains("--verbose", "Exit status");
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
