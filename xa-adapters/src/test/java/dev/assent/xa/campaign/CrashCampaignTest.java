package dev.assent.xa.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.xa.support.MariaDbServer;
import dev.assent.xa.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external-kill crash campaign: child JVMs move money between a PostgreSQL bank and a
 * MariaDB bank, and the parent kills each one with SIGKILL at a random moment it chose, not at a
 * point the code names. Every child first recovers what its predecessors left, on the same log
 * and node id; the parent then checks both banks before letting it work.
 *
 * <p>Scenario (each cycle):
 *
 * <ul>
 *   <li>Resources: one PostgreSQL 17 (bank A) and one MariaDB 11.4 (bank B) for the whole
 *       campaign, durable settings; Assent with a durable file log, node id {@value
 *       CampaignChild#NODE_ID}, in the child; 3 transfer threads, one XA transaction per transfer
 *       (see {@link CampaignChild}).
 *   <li>Fault: SIGKILL, 0.2 to 2.5 s after the child started transferring, so at any point of
 *       begin, work, prepare, decision force, commit or completion record; and in one cycle out of
 *       four after a kill, during the next child's start-up instead (0 to 1.5 s after it began
 *       opening the log, or 0 to 0.6 s after the log was open and the recovery scans began), so
 *       that recovery itself is interrupted and recovered again.
 *   <li>Expected, whenever a child has recovered: nothing owed, no heuristic; both ledgers hold
 *       the same transfer ids with opposite amounts; every balance equals its opening balance plus
 *       its bank's ledger rows; the total of both banks is unchanged; nothing left prepared in
 *       either database. No transfer fails except the overdrafts the workload asks for.
 * </ul>
 *
 * <p>{@code -Dassent.campaign.cycles=N} (default 20) and {@code -Dassent.campaign.seed=S} (printed
 * at the start) choose the size and the kill moments; the servers' timing still varies from run to
 * run, so a seed reproduces the plan of kills, not every interleaving.
 */
@Tag("database")
class CrashCampaignTest {
    /** Transfer ids of cycle c are c * IDS_PER_CYCLE + 1, + 2, ... */
    static final long IDS_PER_CYCLE = 10_000_000L;

    private static final Logger log = LoggerFactory.getLogger(CrashCampaignTest.class);
    private static final int THREADS = 3;
    private static final int START_SECONDS = 120;

    @TempDir
    Path temp;

    @Test
    void childrenKilledAtRandomMomentsNeverSplitATransfer() throws Exception {
        int cycles = Integer.getInteger("assent.campaign.cycles", 20);
        long seed = Long.getLong("assent.campaign.seed", System.nanoTime());
        log.info("crash campaign: {} cycles, seed {} (-Dassent.campaign.seed={} repeats the plan)", cycles, seed, seed);
        long started = System.nanoTime();
        try (DurablePostgres postgres = DurablePostgres.start();
                MariaDbServer mariaDb = MariaDbServer.start()) {
            TestDatabase bankA = postgres.createDatabase("campaign_a");
            TestDatabase bankB = mariaDb.createDatabase("campaign_b");
            CampaignBanks.create(bankA);
            DurablePostgres.grantTables(bankA);
            CampaignBanks.create(bankB);
            Campaign campaign = new Campaign(bankA, bankB, temp.resolve("assent-log"), new Random(seed), seed);
            for (int cycle = 1; cycle <= cycles; cycle++) {
                campaign.cycle(cycle);
            }
            campaign.finish(cycles + 1);
            log.info(
                    "crash campaign done in {} s: {}",
                    (System.nanoTime() - started) / 1_000_000_000,
                    campaign.tally.summary(cycles, seed));
            assertThat(campaign.unexpected)
                    .as("transfers that failed though the workload did not ask for it (seed %d)", seed)
                    .isEmpty();
        }
    }

    /** The state of one campaign: the banks, the plan of kills, and what happened so far. */
    private static final class Campaign {
        private final TestDatabase bankA;
        private final TestDatabase bankB;
        private final Path logDirectory;
        private final Random plan;
        private final long seed;
        private final Tally tally = new Tally();
        private final List<String> unexpected = new ArrayList<>();
        /** True when the last child was killed: the next one has something to recover. */
        private boolean debris;

        private String lastKill = "none yet";

        Campaign(TestDatabase bankA, TestDatabase bankB, Path logDirectory, Random plan, long seed) {
            this.bankA = bankA;
            this.bankB = bankB;
            this.logDirectory = logDirectory;
            this.plan = plan;
            this.seed = seed;
        }

        void cycle(int cycle) throws Exception {
            boolean killInRecovery = debris && plan.nextInt(4) == 0;
            // opening the log takes about a second here (a new segment is written full of zeros):
            // two kills in three count from its end, so that most land in the recovery scans
            String anchor = !killInRecovery ? "RUNNING" : plan.nextInt(3) == 0 ? "RECOVERING" : "LOG-OPEN";
            int delay = switch (anchor) {
                case "RECOVERING" -> plan.nextInt(1_500);
                case "LOG-OPEN" -> plan.nextInt(600);
                default -> 200 + plan.nextInt(2_300);
            };
            long childSeed = plan.nextLong();
            RunningChild child = launch(cycle, childSeed);
            try {
                if (killInRecovery) {
                    child.await(anchor, START_SECONDS);
                    Thread.sleep(delay);
                } else {
                    String recovered = child.await("RECOVERED", START_SECONDS);
                    verify(cycle, recovered, child);
                    child.send("GO");
                    child.await("RUNNING", START_SECONDS);
                    Thread.sleep(delay);
                }
                assertThat(child.isAlive())
                        .as("the child of cycle %d died before its kill (seed %d):%n%s", cycle, seed, child.output())
                        .isTrue();
                String phase = phaseOf(child.lastOf("RECOVERING", "LOG-OPEN", "RECOVERED", "RUNNING", "PROGRESS"));
                child.kill();
                lastKill = "cycle " + cycle + ", " + delay + " ms after " + anchor + ", " + phase + ", last progress '"
                        + child.lastOf("PROGRESS") + "'";
                tally.killed(phase, child.lastOf("PROGRESS"));
                debris = true;
                collectFailures(cycle, child);
                log.info("cycle {}: killed {}", cycle, lastKill);
            } finally {
                if (child.isAlive()) {
                    child.kill();
                }
            }
        }

        /** A last child recovers after the last kill, is checked, and exits on its own. */
        void finish(int cycle) throws Exception {
            RunningChild child = launch(cycle, 0);
            try {
                verify(cycle, child.await("RECOVERED", START_SECONDS), child);
                child.send("STOP");
                assertThat(child.awaitExit(60)).as(child.output()).isZero();
            } finally {
                if (child.isAlive()) {
                    child.kill();
                }
            }
            tally.transfers = CampaignBanks.snapshot(bankA).ledger().size();
            try (Stream<Path> files = Files.list(logDirectory)) {
                tally.logFiles = files.map(Path::getFileName)
                        .map(Path::toString)
                        .sorted()
                        .toList();
            }
        }

        private RunningChild launch(int cycle, long childSeed) throws Exception {
            awaitNoChildSessions();
            List<String> args = new ArrayList<>(List.of(
                    logDirectory.toString(),
                    Integer.toString(cycle),
                    Long.toString(childSeed),
                    Integer.toString(THREADS)));
            for (TestDatabase bank : List.of(bankA, bankB)) {
                args.addAll(List.of(bank.url(), bank.user(), bank.password().isEmpty() ? "-" : bank.password()));
            }
            return RunningChild.start(args);
        }

        /**
         * A killed child's sessions stay open until its server notices the dead socket and ends
         * them; a PREPARE it had sent may still complete meanwhile. The next child starts only
         * when they are gone, so that what it recovers is all there is.
         */
        private void awaitNoChildSessions() throws SQLException, InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (CampaignBanks.childSessions(bankA) + CampaignBanks.childSessions(bankB) > 0) {
                if (System.nanoTime() > deadline) {
                    List<String> sessions = new ArrayList<>(CampaignBanks.childSessionDetails(bankA));
                    sessions.addAll(CampaignBanks.childSessionDetails(bankB));
                    throw new IllegalStateException("sessions of the killed child still open after 60 s; last kill: "
                            + lastKill + " (seed " + seed + "): " + sessions);
                }
                Thread.sleep(20);
            }
        }

        private void verify(int cycle, String recovered, RunningChild child) throws SQLException {
            String context = "seed " + seed + ", checked at the start of cycle " + cycle + ", after the kill of "
                    + lastKill + "; the recovering child printed:\n" + child.output();
            tally.recovered(recovered);
            assertThat(recovered).as(context).contains(" owed=0 ", " heuristics=0 ", " leftAlone=0 ");

            CampaignBanks.Snapshot a = CampaignBanks.snapshot(bankA);
            CampaignBanks.Snapshot b = CampaignBanks.snapshot(bankB);
            assertThat(only(a.ledger().keySet(), b.ledger().keySet()))
                    .as("transfers booked in bank A (PostgreSQL) only; " + context)
                    .isEmpty();
            assertThat(only(b.ledger().keySet(), a.ledger().keySet()))
                    .as("transfers booked in bank B (MariaDB) only; " + context)
                    .isEmpty();
            TreeMap<Long, String> unpaired = new TreeMap<>();
            a.ledger().forEach((id, amount) -> {
                Long other = b.ledger().get(id);
                if (other != null && other != -amount) {
                    unpaired.put(id, "A " + amount + ", B " + other);
                }
            });
            assertThat(unpaired)
                    .as("transfers whose two halves differ; " + context)
                    .isEmpty();
            assertThat(a.disagreements())
                    .as("bank A against its own ledger; " + context)
                    .isEmpty();
            assertThat(b.disagreements())
                    .as("bank B against its own ledger; " + context)
                    .isEmpty();
            assertThat(a.total() + b.total())
                    .as("money in both banks; " + context)
                    .isEqualTo(2L * CampaignBanks.ACCOUNTS * CampaignBanks.OPENING_BALANCE);
            assertThat(CampaignBanks.prepared(bankA))
                    .as("left prepared in PostgreSQL; " + context)
                    .isEmpty();
            assertThat(CampaignBanks.prepared(bankB))
                    .as("left prepared in MariaDB; " + context)
                    .isEmpty();
            tally.checks++;
        }

        private void collectFailures(int cycle, RunningChild child) {
            assertThat(child.all("HEURISTIC"))
                    .as("heuristic outcomes in cycle %d (seed %d):%n%s", cycle, seed, child.output())
                    .isEmpty();
            for (String line : child.all("UNEXPECTED")) {
                unexpected.add("cycle " + cycle + ": " + line);
            }
        }

        private static Set<Long> only(Set<Long> these, Set<Long> notInThose) {
            Set<Long> only = new HashSet<>(these);
            only.removeAll(notInThose);
            return only;
        }

        private static String phaseOf(String lastLine) {
            if (lastLine.startsWith("RUNNING") || lastLine.startsWith("PROGRESS")) {
                return "transferring";
            }
            if (lastLine.startsWith("RECOVERED")) {
                return "recovered, not yet transferring";
            }
            if (lastLine.startsWith("LOG-OPEN")) {
                return "start-up recovery (log open, pools and scans)";
            }
            return "start-up (opening the log)";
        }
    }
}
