package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.branch;
import static dev.assent.tm.internal.log.TestRecords.completed;
import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static dev.assent.tm.internal.log.TestRecords.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.testkit.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransactionLogTest {
    private static final long SMALL_SEGMENT = 4096;

    @TempDir
    Path directory;

    private final FaultyStorage storage = new FaultyStorage();

    private FileTransactionLog open() {
        return open("node-a");
    }

    private FileTransactionLog open(String nodeId) {
        return FileTransactionLog.open(
                directory,
                nodeId,
                FileLogOptions.defaults().withSegmentBytes(SMALL_SEGMENT).withStorage(storage));
    }

    private List<Path> segmentFiles() throws Exception {
        return new SegmentFiles(directory, storage).list().values().stream().toList();
    }

    /*
     * Setup: decisions for T1 and T2, T1 completed, heuristics on two branches, one forgotten.
     * Fault: none; the log is closed and opened again.
     * Expected: replay yields T2's decision and the unforgotten heuristic, in log order, equal to
     * what was appended.
     */
    @Test
    void restartReplaysWhatStillMattersInLogOrder() throws Exception {
        LogRecord.Heuristic kept = new LogRecord.Heuristic(
                transaction(3), new LogRecord.BranchRef(branch(3, 1), "stock-db"), XAException.XA_HEURHAZ, true);
        LogRecord.Heuristic forgotten = new LogRecord.Heuristic(
                transaction(3), new LogRecord.BranchRef(branch(3, 2), null), XAException.XA_HEURRB, true);
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(1));
            log.appendDurably(decision(2));
            log.append(completed(1));
            log.append(kept);
            log.append(forgotten);
            log.append(new LogRecord.HeuristicForgotten(transaction(3), branch(3, 2)));
        }
        try (FileTransactionLog log = open()) {
            assertThat(replayed(log)).containsExactly(decision(2), kept);
            assertThat(log.openReport().liveRecords()).isEqualTo(2);
            assertThat(log.openReport().tornTail()).isEmpty();
        }
    }

    /*
     * Setup: 16 threads each force 25 commit decisions; every force takes 1 ms, like a disk.
     * Expected: every decision is durable and the forces are shared: far fewer than decisions.
     */
    @Test
    void concurrentCommittersShareForces() throws Exception {
        int threads = 16;
        int perThread = 25;
        storage.forceDelayMicros = 1000;
        AtomicInteger forcedRecords = new AtomicInteger();
        TransactionListener listener = new TransactionListener() {
            @Override
            public void logForced(int records, long nanos) {
                forcedRecords.addAndGet(records);
            }
        };
        FileLogOptions options = FileLogOptions.defaults()
                .withSegmentBytes(1 << 20)
                .withStorage(storage)
                .withListener(listener);
        try (FileTransactionLog log = FileTransactionLog.open(directory, "node-a", options)) {
            int forcesAtStart = storage.dataForces.get();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        log.appendDurably(decision(thread * 1000L + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            int forces = storage.dataForces.get() - forcesAtStart;
            assertThat(forces).isLessThan(threads * perThread / 4);
            assertThat(replayed(log)).hasSize(threads * perThread);
        }
        assertThat(forcedRecords.get()).isEqualTo(threads * perThread); // the writer has told the listener
    }

    /*
     * Setup: a forced decision, then completions that nobody waits for.
     * Expected: the completions are written but cause no force by themselves; waiting for one
     * forces it; close() makes the rest durable, so a restart replays nothing.
     */
    @Test
    void completionsAloneAreNotForced() throws Exception {
        try (FileTransactionLog log = open()) {
            for (int i = 1; i <= 3; i++) {
                log.appendDurably(decision(i));
            }
            int forces = storage.dataForces.get();
            int writes = storage.writes.get();
            log.append(completed(1));
            long second = log.append(completed(2));
            awaitWrites(writes + 1);
            // A negative check: give a wrongly forcing writer the time to show itself.
            Thread.sleep(20);
            assertThat(storage.dataForces.get()).isEqualTo(forces);

            log.awaitDurable(second);
            assertThat(storage.dataForces.get()).isEqualTo(forces + 1);
            log.append(completed(3));
        }
        try (FileTransactionLog log = open()) {
            assertThat(replayed(log)).isEmpty();
        }
    }

    private void awaitWrites(int count) throws InterruptedException {
        Eventually.await(count + " writes", Duration.ofSeconds(5), () -> storage.writes.get() >= count);
    }

    /*
     * Each open is a new run of the log under a new incarnation, recorded in the new segment's
     * forced header; the next open vouches for every run before it.
     */
    @Test
    void everyOpenIsANewRunThatLaterRunsVouchFor() throws Exception {
        List<Long> runs = new ArrayList<>();
        for (long i = 1; i <= 3; i++) {
            try (FileTransactionLog log = open()) {
                assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(runs.size());
                assertThat(runs).allMatch(log::recordedEarlierRun).doesNotContain(log.incarnation());
                runs.add(log.incarnation());
                log.appendDurably(decision(i));
            }
        }
        try (FileTransactionLog log = open()) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(3);
            assertThat(runs).allMatch(log::recordedEarlierRun).doesNotContain(log.incarnation());
            assertThat(log.recordedEarlierRun(log.incarnation())).isFalse();
            assertThat(replayed(log)).containsExactly(decision(1), decision(2), decision(3));
        }
    }

    /*
     * Setup: 4 KiB segments; 200 transactions decided and completed, and one (T0) decided and
     * never completed, as when a resource manager stays away.
     * Expected: segments roll over and finished ones are deleted (T0 is carried forward instead of
     * pinning the first segment); a restart still replays T0 and nothing else.
     */
    @Test
    void segmentsRollOverAndFinishedOnesAreDeleted() throws Exception {
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(0));
            for (int i = 1; i <= 200; i++) {
                log.appendDurably(decision(i));
                log.append(completed(i));
            }
            log.appendDurably(decision(1000));
            log.append(completed(1000));
            assertThat(storage.creates.get()).isGreaterThan(5);
            assertThat(storage.deletes.get()).isGreaterThan(3);
            assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(3);
            assertThat(replayed(log)).hasSize(1).allMatch(record -> record.equals(decision(0)));
        }
        try (FileTransactionLog log = open()) {
            assertThat(replayed(log)).containsExactly(decision(0));
            assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(2);
        }
    }

    /*
     * A record larger than a segment gets a segment of its own size, and survives a restart.
     * (Start-up carries the small decision forward past the big one, so their order changes.)
     */
    @Test
    void recordLargerThanASegmentGetsItsOwnSegment() throws Exception {
        List<LogRecord.BranchRef> branches = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            branches.add(new LogRecord.BranchRef(branch(1, i), "db-" + i));
        }
        LogRecord big = new LogRecord.CommitDecision(transaction(1), branches);
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(2));
            log.appendDurably(big);
        }
        try (FileTransactionLog log = open()) {
            assertThat(replayed(log)).containsExactlyInAnyOrder(decision(2), big);
        }
    }

    /*
     * Setup: two decisions durable. Fault: the disk fills up; the next write fails after the OS
     * took part of it.
     * Expected: the waiter learns its decision was not written (mayBeDurable false); the log
     * refuses further records with a clear message; a restart replays the two durable decisions.
     */
    @Test
    void fullDiskStopsTheLog() throws Exception {
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(1));
            log.appendDurably(decision(2));
            storage.bytesBeforeFailure = 30;
            storage.failWritesFrom = storage.writes.get() + 1;
            long third = log.append(decision(3));
            assertThatThrownBy(() -> log.awaitDurable(third))
                    .isInstanceOfSatisfying(
                            LogException.class,
                            e -> assertThat(e.mayBeDurable()).isFalse())
                    .hasMessageContaining("stopped after a failure")
                    .hasRootCauseMessage("No space left on device");
            assertThatThrownBy(() -> log.append(decision(4)))
                    .isInstanceOfSatisfying(
                            LogException.class,
                            e -> assertThat(e.mayBeDurable()).isFalse())
                    .hasMessageContaining("accepts no more records");
        }
        storage.failWritesFrom = Integer.MAX_VALUE;
        try (FileTransactionLog log = open()) {
            assertThat(replayed(log)).containsExactly(decision(1), decision(2));
            assertThat(log.openReport().tornTail()).isPresent();
        }
    }

    /*
     * Fault: the write succeeds but the force fails.
     * Expected: the waiter is told the decision may be durable; the log stops.
     */
    @Test
    void failedForceMeansMaybeDurable() throws Exception {
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(1));
            storage.failForcesFrom = storage.forces.get() + 1;
            long second = log.append(decision(2));
            assertThatThrownBy(() -> log.awaitDurable(second))
                    .isInstanceOfSatisfying(
                            LogException.class,
                            e -> assertThat(e.mayBeDurable()).isTrue())
                    .hasRootCauseMessage("Input/output error");
            assertThatThrownBy(() -> log.append(completed(1))).isInstanceOf(LogException.class);
        }
    }

    /* A second transaction manager in this JVM cannot open the same directory; the error names the owner. */
    @Test
    void secondOpenerIsRefused() {
        try (FileTransactionLog log = open()) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(0);
            assertThatThrownBy(this::open)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(
                            "is in use by pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("must never share a log directory");
        }
        try (FileTransactionLog log = open()) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(1); // the lock was released
        }
    }

    /*
     * Setup: another JVM holds the log directory.
     * Expected: opening fails naming that process's pid; once it exits, the directory opens.
     */
    @Test
    void secondOpenerInAnotherProcessIsRefused() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolderProcess.class.getName(),
                        directory.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = output.readLine();
            while (line != null && !line.equals("locked")) {
                line = output.readLine();
            }
            assertThat(line).as("the holder process took the lock").isEqualTo("locked");
            assertThatThrownBy(this::open)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by pid " + holder.pid() + " on host");
        } finally {
            holder.getOutputStream().close(); // lets the holder go
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        try (FileTransactionLog log = open()) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(1);
        }
    }

    /* A log written by node-a is not node-b's: the error names both. */
    @Test
    void logOfAnotherNodeIsRefused() throws Exception {
        try (FileTransactionLog log = open("node-a")) {
            log.appendDurably(decision(1));
        }
        assertThatThrownBy(() -> open("node-b"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to node 'node-a'")
                .hasMessageContaining("this transaction manager is node 'node-b'");
        try (FileTransactionLog log = open("node-a")) {
            assertThat(replayed(log)).containsExactly(decision(1));
        }
    }

    @Test
    void logFilesAreReadableByTheOwnerOnly() throws Exception {
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(1));
        }
        if (!directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        for (Path segment : segmentFiles()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)))
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("assent.lock"))))
                .isEqualTo("rw-------");
    }

    @Test
    void closedLogRefusesRecordsAndBadPositionsAreRejected() throws Exception {
        FileTransactionLog log = open();
        long position = log.append(decision(1));
        assertThatThrownBy(() -> log.awaitDurable(position + 1)).isInstanceOf(IllegalArgumentException.class);
        log.close();
        log.close();
        log.awaitDurable(position); // close() made it durable
        assertThatThrownBy(() -> log.append(decision(2)))
                .isInstanceOf(LogException.class)
                .hasMessageContaining("is closed");
    }

    /* An interrupted committer stops waiting and learns that its record may still become durable. */
    @Test
    void interruptedWaiterGivesUp() throws Exception {
        storage.forceDelayMicros = 300_000;
        try (FileTransactionLog log = open()) {
            long position = log.append(decision(1));
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> log.awaitDurable(position))
                    .isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("may still become durable");
            storage.forceDelayMicros = 0;
        }
    }
}
