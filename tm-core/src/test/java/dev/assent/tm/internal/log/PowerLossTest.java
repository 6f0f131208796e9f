package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.completed;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The invariant of docs/protocols.md §1: a commit decision once forced is never lost. */
class PowerLossTest {
    private static final long SEGMENT = 4096;
    private static final int THREADS = 4;

    @TempDir
    Path root;

    /*
     * Setup: 4 threads commit decisions of 8 branches (about 350 bytes) through a log with 4 KiB
     * segments, so that rollovers, carried records and deletions happen too; every third
     * transaction completes.
     * Fault: the power goes right after the N-th write is accepted, for N = 1 to 50; of the bytes
     * not yet forced, only a prefix of whole sectors reaches the disk.
     * Expected: start-up on the surviving files succeeds and replays every decision whose
     * awaitDurable returned, unless its completion was appended; it replays nothing never appended.
     */
    @Test
    void noAcknowledgedDecisionIsLostWhenThePowerGoes() throws Exception {
        for (int powerOffAt = 1; powerOffAt <= 50; powerOffAt++) {
            Path directory = root.resolve("power-off-at-" + powerOffAt);
            PowerLossStorage machine = new PowerLossStorage(powerOffAt, powerOffAt);
            Set<LogRecord> appended = ConcurrentHashMap.newKeySet();
            Set<LogRecord> acknowledged = ConcurrentHashMap.newKeySet();
            Set<LogRecord> completedDecisions = ConcurrentHashMap.newKeySet();
            try (FileTransactionLog log = open(directory, machine)) {
                List<Thread> committers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    committers.add(new Thread(
                            () -> commitUntilTheLogStops(log, thread, appended, acknowledged, completedDecisions)));
                }
                committers.forEach(Thread::start);
                for (Thread committer : committers) {
                    committer.join(TimeUnit.SECONDS.toMillis(10));
                    assertThat(committer.isAlive())
                            .as("committer stuck, power off at %d", powerOffAt)
                            .isFalse();
                }
            } catch (UncheckedIOException e) {
                assertThat(machine.powerIsOff())
                        .as("open failed only because the power went")
                        .isTrue();
            }
            assertThat(machine.powerIsOff()).isTrue();

            try (FileTransactionLog restarted = open(directory, new FaultyStorage())) {
                Set<LogRecord> replayed = new HashSet<>(replayed(restarted));
                for (LogRecord decision : acknowledged) {
                    if (!completedDecisions.contains(decision)) {
                        assertThat(replayed)
                                .as("power off at write %d", powerOffAt)
                                .contains(decision);
                    }
                }
                assertThat(appended).containsAll(replayed);
            }
        }
    }

    private static void commitUntilTheLogStops(
            FileTransactionLog log,
            int thread,
            Set<LogRecord> appended,
            Set<LogRecord> acknowledged,
            Set<LogRecord> completedDecisions) {
        try {
            for (int i = 0; ; i++) {
                long transaction = thread * 100_000L + i;
                LogRecord decision = wideDecision(transaction);
                appended.add(decision);
                log.awaitDurable(log.append(decision));
                acknowledged.add(decision);
                if (i % 3 == 0) {
                    completedDecisions.add(decision); // before the append: it may reach the disk first
                    log.append(completed(transaction));
                }
            }
        } catch (LogException e) {
            // the power went: this committer stops, as the process would have
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LogRecord wideDecision(long transaction) {
        List<LogRecord.BranchRef> branches = new ArrayList<>();
        for (int b = 1; b <= 8; b++) {
            branches.add(new LogRecord.BranchRef(TestRecords.branch(transaction, b), "resource-" + b));
        }
        return new LogRecord.CommitDecision(TestRecords.transaction(transaction), branches);
    }

    private static FileTransactionLog open(Path directory, LogStorage storage) {
        return FileTransactionLog.open(
                directory,
                "node-a",
                FileLogOptions.defaults().withSegmentBytes(SEGMENT).withStorage(storage));
    }
}
