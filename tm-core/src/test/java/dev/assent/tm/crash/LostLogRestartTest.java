package dev.assent.tm.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.testkit.ChildJvm;
import dev.assent.tm.testkit.MutableClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node restarted with the same node id after its log directory was lost (docs/protocols.md §4):
 * it must issue no Xid of the lost runs, and it must leave their prepared branches to the operator,
 * since the decisions that would say how they end were in the lost log. With the log intact, the
 * same restart finishes them at once.
 *
 * <p>The runs that die are two child JVMs on one log directory, each halted mid-commit: run 1 after
 * its commit decision for transaction 2 was forced and rm-a committed (rm-b's branch stays
 * prepared and owed), run 2 after rm-a prepared its transaction 1 (an orphan: no decision).
 */
class LostLogRestartTest {
    private static final String NODE_ID = CrashRecoveryTest.NODE_ID;
    private static final XidFactory READER = new XidFactory(NODE_ID, 0);
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path work;

    private final List<AssentXid> lostRunsXids = new ArrayList<>();
    private final List<Xid> begun = new ArrayList<>();
    private final List<RecoveryReport> scans = new ArrayList<>();

    private void twoRunsDieWithBranchesPrepared() throws Exception {
        runChild("run-1", CrashPoint.BETWEEN_TWO_COMMITS, 2, 2);
        runChild("run-2", CrashPoint.AFTER_SOME_PREPARES, 1, 1);
        assertThat(resource("rm-a").preparedBranches()).hasSize(1);
        assertThat(resource("rm-b").preparedBranches()).hasSize(1);
        assertThat(lostRunsXids).hasSize(3);
    }

    @Test
    void aRestartOnAnEmptyLogIssuesNoXidOfTheLostRunsAndLeavesTheirBranchesInDoubt() throws Exception {
        // Fault: the log directory is deleted after both runs died; the node is started again with
        // the same node id on an empty log, and its clock is set back an hour. Expected: the lost
        // runs' prepared branches are neither committed nor rolled back, at start-up or after the
        // grace period, and each scan reports both for the operator; none of 2,000 Xids the new run
        // issues is one of the lost runs', nor of the same incarnation.
        twoRunsDieWithBranchesPrepared();
        List<Xid> prepared = allPrepared();
        deleteRecursively(work.resolve("log"));
        MutableClock clock = new MutableClock(NOW.minus(Duration.ofHours(1)));

        try (AssentTransactionManager tm = manager(clock)) {
            clock.advance(Duration.ofMinutes(5));
            RecoveryReport afterGrace = tm.recover();
            for (RecoveryReport scan : List.of(scans.get(0), afterGrace)) {
                assertThat(scan.committed()).isEmpty();
                assertThat(scan.rolledBack()).isEmpty();
                assertThat(scan.leftAlone()).containsExactlyInAnyOrderElementsOf(prepared);
                for (Xid branch : prepared) {
                    assertThat(scan.stillOwed())
                            .anySatisfy(sentence -> assertThat(sentence)
                                    .contains(branch.toString())
                                    .contains("its outcome is unknown"));
                }
            }
            for (int i = 0; i < 2_000; i++) {
                tm.begin();
                tm.rollback();
            }
        }
        assertThat(allPrepared()).containsExactlyInAnyOrderElementsOf(prepared);
        assertThat(resource("rm-a").committedKeys()).containsExactlyInAnyOrder("tx-1", "tx-2");
        assertThat(resource("rm-b").committedKeys()).containsExactlyInAnyOrder("tx-1");

        assertThat(begun).hasSize(2_000);
        Set<AssentXid> lost = new HashSet<>(lostRunsXids);
        assertThat(begun).noneMatch(xid -> lost.contains(AssentXid.copyOf(xid)));
        Set<Long> lostIncarnations = incarnationsOf(lostRunsXids);
        assertThat(lostIncarnations).hasSize(2);
        assertThat(incarnationsOf(begun)).hasSize(1).doesNotContainAnyElementsOf(lostIncarnations);
    }

    @Test
    void aRestartWithTheLogIntactFinishesTheEarlierRunsAtOnce() throws Exception {
        // Fault: none beyond the two deaths; the log directory is intact. Expected: the first scan,
        // at start-up and before any grace period, commits rm-b's branch of the logged decision and
        // rolls back rm-a's orphan of run 2; nothing is left prepared or owed.
        twoRunsDieWithBranchesPrepared();
        MutableClock clock = new MutableClock(NOW);

        try (AssentTransactionManager tm = manager(clock)) {
            RecoveryReport first = scans.get(0);
            assertThat(first.committed()).hasSize(1);
            assertThat(first.rolledBack()).hasSize(1);
            assertThat(first.isComplete()).as("%s", first).isTrue();
            assertThat(tm.recover().committed()).isEmpty();
        }
        assertThat(allPrepared()).isEmpty();
        assertThat(resource("rm-a").committedKeys()).containsExactlyInAnyOrder("tx-1", "tx-2");
        assertThat(resource("rm-b").committedKeys()).containsExactlyInAnyOrder("tx-1", "tx-2");
    }

    @Test
    void twoStartsOnEmptyLogsGetDifferentIncarnationsWhateverTheClockSays() throws Exception {
        // Setup: the node started on an empty log, stopped, started again at once on another empty
        // log with the same node id and its clock set back a minute, then a third time at the very
        // same instant. Expected: three different incarnations, so no Xid in common.
        MutableClock clock = new MutableClock(NOW);
        Set<Long> incarnations = new HashSet<>();
        for (int start = 0; start < 3; start++) {
            begun.clear();
            try (AssentTransactionManager tm = manager(clock, work.resolve("empty-log-" + start))) {
                tm.begin();
                tm.rollback();
            }
            incarnations.addAll(incarnationsOf(begun));
            if (start == 0) {
                clock.advance(Duration.ofMinutes(-1));
            }
        }
        assertThat(incarnations).hasSize(3);
    }

    @Test
    void aLogOfFormatVersion1StillVouchesForItsOwnRuns() throws Exception {
        // Setup: a log directory written by an Assent of segment format version 1, whose only
        // segment was written by run 3 (runs counted from 1; the segments of runs 1 and 2 are
        // gone); rm-a holds a prepared branch of run 3 (an Xid of layout version 1, as every Assent
        // makes), one of a run 2 that the log no longer shows and one of a run 7 it never had.
        // Expected: the upgraded node reads the log, rolls back run 3's orphan at once as before,
        // and leaves the branches of runs 2 and 7 in doubt for the operator: the log holds no
        // decision of theirs to vouch for.
        Path log = Files.createDirectories(work.resolve("old-log"));
        writeVersion1Segment(log.resolve("assent-00000001.log"), 3);
        AssentXid ofRun2 = XidFactory.branchXid(new XidFactory(NODE_ID, 2).newGlobalXid(), 1);
        AssentXid ofRun3 = XidFactory.branchXid(new XidFactory(NODE_ID, 3).newGlobalXid(), 1);
        AssentXid ofRun7 = XidFactory.branchXid(new XidFactory(NODE_ID, 7).newGlobalXid(), 1);
        DurableTestResource a = resource("rm-a");
        a.prepareForeign(ofRun2, "old-0");
        a.prepareForeign(ofRun3, "old-1");
        a.prepareForeign(ofRun7, "old-2");
        List<Xid> before = allPrepared();

        try (AssentTransactionManager tm = manager(new MutableClock(NOW), log)) {
            RecoveryReport first = scans.get(0);
            assertThat(first.rolledBack()).containsExactly(ofRun3);
            assertThat(first.stillOwed())
                    .anySatisfy(sentence -> assertThat(sentence).contains(ofRun2.toString()))
                    .anySatisfy(sentence -> assertThat(sentence).contains(ofRun7.toString()));
            tm.begin();
            tm.rollback();
        }
        assertThat(allPrepared())
                .hasSize(before.size() - 1)
                .contains(ofRun2, ofRun7)
                .doesNotContain(ofRun3);
        assertThat(incarnationsOf(begun)).hasSize(1).doesNotContain(0L, 2L, 3L, 7L);
    }

    private AssentTransactionManager manager(MutableClock clock) {
        return manager(clock, work.resolve("log"));
    }

    private AssentTransactionManager manager(MutableClock clock, Path logDirectory) {
        return Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(logDirectory)
                .clock(clock)
                .orphanGracePeriod(Duration.ofMinutes(1))
                .recoveryInterval(Duration.ZERO)
                .recoveryResource("rm-a", () -> resource("rm-a"))
                .recoveryResource("rm-b", () -> resource("rm-b"))
                .listener(new TransactionListener() {
                    @Override
                    public void begun(Xid transactionId) {
                        begun.add(transactionId);
                    }

                    @Override
                    public void recovered(RecoveryReport report) {
                        scans.add(report);
                    }
                })
                .build();
    }

    private List<Xid> allPrepared() {
        return Stream.concat(resource("rm-a").preparedBranches().stream(), resource("rm-b").preparedBranches().stream())
                .toList();
    }

    private static Set<Long> incarnationsOf(List<? extends Xid> xids) {
        Set<Long> incarnations = new HashSet<>();
        for (Xid xid : xids) {
            incarnations.add(READER.incarnationOf(xid).orElseThrow());
        }
        return incarnations;
    }

    private DurableTestResource resource(String name) {
        return new DurableTestResource(name, work.resolve("data").resolve(name), (point, where) -> {});
    }

    /** Runs a child that halts at the crash point, and notes every Xid it began. */
    private void runChild(String name, CrashPoint crashPoint, int crashIn, int transactions) throws Exception {
        ChildJvm.Outcome child = ChildJvm.run(
                work.resolve(name + ".out"),
                CrashingChild.class,
                work.resolve("log").toString(),
                work.resolve("data").toString(),
                crashPoint.name(),
                Integer.toString(crashIn),
                Integer.toString(transactions));
        assertThat(child.exitCode())
                .as("exit status of the child JVM; its output:%n%s", child.output())
                .isEqualTo(CrashingChild.HALTED);
        child.output()
                .lines()
                .filter(line -> line.startsWith(CrashingChild.BEGUN))
                .map(line -> HexFormat.of().parseHex(line.substring(CrashingChild.BEGUN.length())))
                .forEach(gtrid -> lostRunsXids.add(new AssentXid(XidFactory.FORMAT_ID, gtrid, new byte[0])));
    }

    /**
     * A segment as an Assent of format version 1 wrote it (docs/operating.md): the 128-byte header,
     * no records, the preallocated rest left out.
     */
    private static void writeVersion1Segment(Path file, long incarnation) throws Exception {
        byte[] node = NODE_ID.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(128);
        header.putInt(0x41534C47) // "ASLG"
                .putInt(1) // format version
                .putLong(1) // segment number
                .putLong(incarnation)
                .putLong(1) // first sequence
                .putInt(node.length)
                .put(node);
        CRC32 crc = new CRC32();
        crc.update(header.array(), 0, 124);
        header.putInt(124, (int) crc.getValue());
        Files.write(file, header.array());
    }

    private static void deleteRecursively(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }
}
