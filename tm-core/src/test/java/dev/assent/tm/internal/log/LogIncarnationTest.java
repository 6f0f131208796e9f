package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which run is which: a log numbers its runs under a log number drawn when its directory is
 * created, and recognises as its own earlier runs only those (docs/protocols.md §4).
 */
class LogIncarnationTest {
    private static final long SEGMENT = 4096;

    @TempDir
    Path root;

    private final FaultyStorage storage = new FaultyStorage();

    private FileTransactionLog open(Path directory) {
        return FileTransactionLog.open(
                directory,
                "node-a",
                FileLogOptions.defaults().withSegmentBytes(SEGMENT).withStorage(storage));
    }

    /*
     * Setup: a log opened three times, then its directory deleted and the node started again on an
     * empty directory. Expected: the three runs share one log number and count 1, 2, 3; the log
     * recognises runs 1 and 2 as its earlier runs, nothing else; the new log has another log number,
     * starts at run 1 again, and recognises none of the lost runs.
     */
    @Test
    void aLogRecognisesOnlyItsOwnEarlierRuns() throws Exception {
        Path directory = root.resolve("log");
        long[] runs = new long[3];
        for (int i = 0; i < runs.length; i++) {
            try (FileTransactionLog log = open(directory)) {
                runs[i] = log.incarnation();
            }
        }
        assertThat(Stream.of(runs[0], runs[1], runs[2]).map(Incarnations::runOf))
                .containsExactly(1L, 2L, 3L);
        long logNumber = Incarnations.logOf(runs[0]);
        assertThat(logNumber).isPositive();
        assertThat(Incarnations.logOf(runs[2])).isEqualTo(logNumber);
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.recordedEarlierRun(runs[0])).isTrue();
            assertThat(log.recordedEarlierRun(runs[2])).isTrue();
            assertThat(log.recordedEarlierRun(log.incarnation())).isFalse();
            assertThat(log.recordedEarlierRun(log.incarnation() + 1)).isFalse();
            assertThat(log.recordedEarlierRun(logNumber << Incarnations.RUN_BITS))
                    .isFalse(); // run 0 never ran
            assertThat(log.recordedEarlierRun(1)).isFalse(); // run 1 of log number 0, a version 1 log
        }

        deleteRecursively(directory);
        try (FileTransactionLog log = open(directory)) {
            assertThat(Incarnations.logOf(log.incarnation())).isNotEqualTo(logNumber);
            assertThat(Incarnations.runOf(log.incarnation())).isEqualTo(1);
            for (long lost : runs) {
                assertThat(log.recordedEarlierRun(lost)).isFalse();
                assertThat(log.incarnation()).isNotEqualTo(lost);
            }
        }
    }

    /* Many logs created one after the other in the same instant all draw different log numbers. */
    @Test
    void logsCreatedInQuickSuccessionDrawDifferentNumbers() {
        Set<Long> logNumbers = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (FileTransactionLog log = open(root.resolve("log-" + i))) {
                logNumbers.add(Incarnations.logOf(log.incarnation()));
            }
        }
        assertThat(logNumbers).hasSize(20).doesNotContain(0L);
    }

    /* A log number is drawn from 1 to 2^39 - 1, so an incarnation is positive and never of log number 0. */
    @Test
    void aDrawnIncarnationIsThePositiveFirstRunOfANonZeroLogNumber() {
        Random random = new Random(20261129L);
        for (int i = 0; i < 10_000; i++) {
            long first = Incarnations.firstOfNewLog(random);
            assertThat(first).isPositive();
            assertThat(Incarnations.runOf(first)).isEqualTo(1);
            assertThat(Incarnations.logOf(first)).isBetween(1L, (1L << 39) - 1);
        }
        long highest = Incarnations.firstOfNewLog(new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("a log number is drawn with a bound");
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        });
        assertThat(highest).isPositive();
        assertThat(Incarnations.logOf(highest)).isEqualTo((1L << 39) - 1);
    }

    /*
     * Setup: a log written by an Assent of segment format version 1 (its runs counted from 1, here
     * run 3, holding one commit decision). Expected: it is read; its decision replayed; the new run
     * is run 4 of log number 0, written in a version 2 header; runs 1 to 3 are recognised as this
     * log's earlier runs, so recovery still presumes abort for their branches as before.
     */
    @Test
    void aVersion1LogIsReadAndItsRunsStayItsOwn() throws Exception {
        Path directory = root.resolve("log");
        try (FileTransactionLog log = open(directory)) {
            log.appendDurably(decision(1));
        }
        Path oldSegment = directory.resolve("assent-00000001.log");
        rewriteHeader(oldSegment, 1, 3);

        try (FileTransactionLog log = open(directory)) {
            assertThat(log.incarnation()).isEqualTo(4);
            assertThat(replayed(log)).containsExactly(decision(1));
            assertThat(List.of(log.recordedEarlierRun(1), log.recordedEarlierRun(2), log.recordedEarlierRun(3)))
                    .containsOnly(true);
            assertThat(log.recordedEarlierRun(4)).isFalse();
        }
        Path newSegment = directory.resolve("assent-00000002.log");
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(newSegment));
        assertThat(header.getInt(4)).as("format version").isEqualTo(SegmentHeader.FORMAT_VERSION);
        assertThat(header.getLong(16)).as("incarnation").isEqualTo(4);
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.incarnation()).isEqualTo(5);
        }
    }

    /*
     * Setup: two segments of one log (12 decisions, too many to carry forward). Fault: the newer
     * segment's header names another log number (segments of two directories mixed). Expected:
     * start-up stops, naming the file and both log numbers.
     */
    @Test
    void segmentsOfTwoLogsInOneDirectoryStopStartUp() throws Exception {
        Path directory = root.resolve("log");
        long incarnation;
        try (FileTransactionLog log = open(directory)) {
            incarnation = log.incarnation();
            for (int i = 1; i <= 12; i++) {
                log.appendDurably(decision(i));
            }
        }
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.openReport().segmentsRead()).isEqualTo(1);
        }
        Path newer = directory.resolve("assent-00000002.log");
        assertThat(directory.resolve("assent-00000001.log")).exists();
        long otherLog = Incarnations.logOf(incarnation) ^ 1;
        rewriteHeader(newer, SegmentHeader.FORMAT_VERSION, (otherLog << Incarnations.RUN_BITS) | 2);

        assertThatThrownBy(() -> open(directory))
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining(newer + " is damaged at byte offset 16")
                .hasMessageContaining("belongs to log number " + otherLog + " but the segments before it to log"
                        + " number " + Incarnations.logOf(incarnation));
    }

    /* A log whose last run is the highest an incarnation can count refuses to start another, saying what to do. */
    @Test
    void aLogThatCountedEveryRunRefusesToStart() throws Exception {
        Path directory = root.resolve("log");
        long incarnation;
        try (FileTransactionLog log = open(directory)) {
            incarnation = log.incarnation();
        }
        long last = (Incarnations.logOf(incarnation) << Incarnations.RUN_BITS) | Incarnations.MAX_RUN;
        rewriteHeader(directory.resolve("assent-00000001.log"), SegmentHeader.FORMAT_VERSION, last);

        assertThatThrownBy(() -> open(directory))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has counted " + Incarnations.MAX_RUN + " runs")
                .hasMessageContaining("move the directory away so that a new log starts");
    }

    /** Writes a header's format version and incarnation as an Assent of that version would have, CRC included. */
    private static void rewriteHeader(Path segment, int version, long incarnation) throws Exception {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
            channel.read(header, 0);
            header.putInt(4, version).putLong(16, incarnation);
            CRC32 crc = new CRC32();
            crc.update(header.array(), 0, 124);
            header.putInt(124, (int) crc.getValue());
            channel.write(header.rewind(), 0);
            channel.force(true);
        }
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
