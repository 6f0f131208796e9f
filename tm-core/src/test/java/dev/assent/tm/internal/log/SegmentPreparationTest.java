package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The next segment is zero-filled in advance, off the writer thread (LogWriter, SegmentPreparer). */
class SegmentPreparationTest {
    private static final long SEGMENT = 4096;
    private static final String PREPARER = "assent-log-preparer-";

    @TempDir
    Path directory;

    private static FileTransactionLog open(Path directory, LogStorage storage) {
        return FileTransactionLog.open(
                directory,
                "node-1",
                FileLogOptions.defaults().withSegmentBytes(SEGMENT).withStorage(storage));
    }

    /*
     * Setup: a log with 4 KiB segments on a storage whose file creation the test holds.
     * Fault: once the first segment is half full, creating the next one does not finish until the
     * test lets it go.
     * Expected: the creation runs on the preparing thread; decisions keep becoming durable while it
     * is held; after it is let go, the log rolls over several times and never creates a file on the
     * writer thread; a clean close leaves no unused prepared segment, and every decision replays.
     */
    @Test
    void theWriterRollsOverIntoAPreparedSegmentAndNeverCreatesOne() throws Exception {
        FaultyStorage storage = new FaultyStorage();
        List<LogRecord> appended = new ArrayList<>();
        long transaction = 0;
        try (FileTransactionLog log = open(directory, storage)) {
            assertThat(storage.creates.get()).isEqualTo(1); // the first segment, made while opening
            CountDownLatch gate = new CountDownLatch(1);
            storage.createGate = gate;
            while (storage.creates.get() < 2) {
                assertThat(transaction)
                        .as("the next segment's preparation never began")
                        .isLessThan(40);
                LogRecord record = decision(++transaction);
                log.appendDurably(record);
                appended.add(record);
                awaitCreates(storage, 2, 100);
            }
            assertThat(storage.creatingThreads.get(1)).startsWith(PREPARER);

            for (int i = 0; i < 2; i++) { // the creation is still held: forces do not wait for it
                LogRecord record = decision(++transaction);
                log.appendDurably(record);
                appended.add(record);
            }
            assertThat(gate.getCount()).isEqualTo(1);

            gate.countDown();
            for (int i = 0; i < 100; i++) {
                LogRecord record = decision(++transaction);
                log.appendDurably(record);
                appended.add(record);
            }
            assertThat(storage.creates.get())
                    .as("segments made: the first, and one per rollover")
                    .isGreaterThanOrEqualTo(4);
            // A copy: the preparer may be creating the next segment while this looks (a sublist of
            // the live list would then throw ConcurrentModificationException).
            List<String> creators = List.copyOf(storage.creatingThreads);
            assertThat(creators.subList(1, creators.size()))
                    .allSatisfy(thread -> assertThat(thread).startsWith(PREPARER));
        }

        try (FileTransactionLog restarted = open(directory, new FaultyStorage())) {
            assertThat(restarted.openReport().removedBlankSegments())
                    .as("a clean close removes the unused prepared segment")
                    .isEmpty();
            assertThat(replayed(restarted)).containsExactlyInAnyOrderElementsOf(appended);
        }
    }

    /*
     * Setup: a log with 4 KiB segments; one thread forces decisions until the log stops.
     * Fault: the power goes right after the n-th operation on the second segment succeeded: 1 its
     * creation by the preparing thread, 2 its zeros written, 3 forced, 4 the directory synced (a
     * prepared, unused segment), 5 the writer's header written, 6 forced, 7 the first record
     * written, 8 forced; unforced bytes survive only as a prefix of whole sectors.
     * Expected: start-up reads the log back without complaint (a blank segment is one holding no
     * record, never corruption), with every acknowledged decision and nothing never appended; the
     * next run writes and rolls over, and a second start-up reads that too. A segment prepared but
     * never started (steps 1 to 4) is removed at start-up.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void aCrashAtEveryStepOfThePreparationLeavesAReadableLog(int operations) throws Exception {
        Path secondSegment = new SegmentFiles(directory, LogStorage.fileSystem()).path(2);
        PowerLossStorage machine = PowerLossStorage.afterOperationsOn(secondSegment, operations, operations);
        List<LogRecord> appended = new ArrayList<>();
        List<LogRecord> acknowledged = new ArrayList<>();
        try (FileTransactionLog log = open(directory, machine)) {
            for (long transaction = 1; transaction <= 200 && !machine.powerIsOff(); transaction++) {
                LogRecord record = decision(transaction);
                appended.add(record);
                try {
                    log.appendDurably(record);
                    acknowledged.add(record);
                } catch (LogException e) {
                    break; // the log stopped when the power went
                }
            }
        } catch (UncheckedIOException e) {
            assertThat(machine.powerIsOff()).isTrue();
        }
        assertThat(machine.powerIsOff()).as("the power went").isTrue();

        List<LogRecord> afterRestart = new ArrayList<>();
        try (FileTransactionLog restarted = open(directory, new FaultyStorage())) {
            if (operations <= 4) {
                assertThat(restarted.openReport().removedBlankSegments())
                        .as("the prepared segment, never started, is removed as one holding no record")
                        .containsExactly(secondSegment);
            }
            List<LogRecord> replayed = replayed(restarted);
            assertThat(replayed).containsAll(acknowledged);
            assertThat(appended).containsAll(replayed);
            afterRestart.addAll(replayed);
            for (long transaction = 1_000; transaction < 1_060; transaction++) {
                LogRecord record = decision(transaction);
                restarted.appendDurably(record);
                afterRestart.add(record);
            }
        }
        try (FileTransactionLog again = open(directory, new FaultyStorage())) {
            assertThat(replayed(again)).containsExactlyInAnyOrderElementsOf(afterRestart);
        }
    }

    private static void awaitCreates(FaultyStorage storage, int creates, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (storage.creates.get() < creates && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
