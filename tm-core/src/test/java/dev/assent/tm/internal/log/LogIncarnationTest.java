package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which run is which: every start draws a new random incarnation, and a log vouches only for the
 * runs its segment headers show, at most {@link Incarnations#REMEMBERED_EARLIER_RUNS} before the
 * current one (docs/protocols.md §4).
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
     * empty directory. Expected: three different incarnations; the fourth run vouches for the three
     * and for nothing else; the new log vouches for none of the lost runs and draws none of them.
     */
    @Test
    void aLogVouchesOnlyForTheRunsItRecorded() throws Exception {
        Path directory = root.resolve("log");
        Set<Long> runs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            try (FileTransactionLog log = open(directory)) {
                runs.add(log.incarnation());
            }
        }
        assertThat(runs).hasSize(3).allMatch(run -> run > 0);
        try (FileTransactionLog log = open(directory)) {
            assertThat(runs).allMatch(log::recordedEarlierRun).doesNotContain(log.incarnation());
            assertThat(log.recordedEarlierRun(log.incarnation())).isFalse();
            assertThat(log.recordedEarlierRun(log.incarnation() + 1)).isFalse();
            assertThat(log.recordedEarlierRun(1)).isFalse(); // run 1 of a version 1 log this never was
        }

        deleteRecursively(directory);
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.openReport().earlierRunsRecorded()).isZero();
            assertThat(runs).noneMatch(log::recordedEarlierRun).doesNotContain(log.incarnation());
        }
    }

    /*
     * Setup: run 1, a copy of the directory, runs 2 and 3 on the original, then the directory
     * replaced by the copy (restored from a backup). Expected: the restored log vouches for run 1
     * only; its next run draws an incarnation of neither lost run, and the run after it still does
     * not vouch for them.
     */
    @Test
    void aRestoredCopyVouchesForNoRunItNeverSaw() throws Exception {
        Path directory = root.resolve("log");
        Path copy = root.resolve("copy");
        long first;
        try (FileTransactionLog log = open(directory)) {
            first = log.incarnation();
            log.appendDurably(decision(1));
        }
        copyDirectory(directory, copy);
        List<Long> lost = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (FileTransactionLog log = open(directory)) {
                lost.add(log.incarnation());
            }
        }
        deleteRecursively(directory);
        copyDirectory(copy, directory);

        for (int i = 0; i < 2; i++) {
            try (FileTransactionLog log = open(directory)) {
                assertThat(log.recordedEarlierRun(first)).isTrue();
                assertThat(lost).noneMatch(log::recordedEarlierRun).doesNotContain(log.incarnation());
                assertThat(replayed(log)).containsExactly(decision(1));
            }
        }
    }

    /*
     * Setup: a log opened once more than it remembers runs. Expected: the next run vouches for the
     * newest REMEMBERED_EARLIER_RUNS of them and no longer for the first, whose branches recovery
     * therefore leaves in doubt; its segment header lists exactly those runs, oldest first.
     */
    @Test
    void aLogVouchesForItsNewestRunsWithinTheWindowOnly() throws Exception {
        Path directory = root.resolve("log");
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i <= Incarnations.REMEMBERED_EARLIER_RUNS; i++) {
            try (FileTransactionLog log = open(directory)) {
                runs.add(log.incarnation());
            }
        }
        List<Long> window = runs.subList(1, runs.size());
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(Incarnations.REMEMBERED_EARLIER_RUNS);
            assertThat(log.recordedEarlierRun(runs.get(0)))
                    .as("the run just outside the window")
                    .isFalse();
            assertThat(window).allMatch(log::recordedEarlierRun);
            assertThat(newestHeader(directory).earlierRuns()).isEqualTo(window);
        }
    }

    /* Many logs created one after the other in the same instant all draw different incarnations. */
    @Test
    void logsCreatedInQuickSuccessionDrawDifferentIncarnations() {
        Set<Long> incarnations = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (FileTransactionLog log = open(root.resolve("log-" + i))) {
                incarnations.add(log.incarnation());
            }
        }
        assertThat(incarnations).hasSize(20).doesNotContain(0L);
    }

    /* A drawn incarnation is positive, never 0 and never one the log remembers: such draws are drawn again. */
    @Test
    void aDrawnIncarnationIsPositiveAndNoneTheLogRemembers() {
        Random random = new Random(20261129L);
        for (int i = 0; i < 10_000; i++) {
            assertThat(Incarnations.draw(random, List.of())).isPositive();
        }
        long[] script = {0, Long.MIN_VALUE, 7, -7 & Long.MAX_VALUE, Long.MAX_VALUE};
        AtomicInteger next = new AtomicInteger();
        RandomGenerator scripted = () -> script[next.getAndIncrement()];
        assertThat(Incarnations.draw(scripted, List.of(7L, -7 & Long.MAX_VALUE)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(next).hasValue(script.length);
    }

    /*
     * Setup: a log written by an Assent of segment format version 1, whose headers show runs 1 and
     * 3 (run 2's segment was deleted), each segment holding one commit decision. Expected: it is
     * read and both decisions replayed; the new run vouches for runs 1 and 3 only (not for run 2,
     * which the log no longer shows, nor for any other small number), draws none of them, and
     * writes a version 2 header listing them, so the run after it still vouches for them.
     */
    @Test
    void aVersion1LogVouchesOnlyForTheRunsItsHeadersShow() throws Exception {
        Path directory = Files.createDirectories(root.resolve("log"));
        writeVersion1Segment(directory, 1, 1, decision(1));
        writeVersion1Segment(directory, 2, 3, decision(2));

        long upgraded;
        try (FileTransactionLog log = open(directory)) {
            upgraded = log.incarnation();
            assertThat(upgraded).isNotIn(1L, 3L);
            assertThat(replayed(log)).containsExactly(decision(1), decision(2));
            assertThat(List.of(log.recordedEarlierRun(1), log.recordedEarlierRun(3)))
                    .containsOnly(true);
            assertThat(List.of(log.recordedEarlierRun(2), log.recordedEarlierRun(4), log.recordedEarlierRun(0)))
                    .containsOnly(false);
        }
        SegmentHeader written = newestHeader(directory);
        assertThat(written.formatVersion()).isEqualTo(SegmentHeader.FORMAT_VERSION);
        assertThat(written.incarnation()).isEqualTo(upgraded);
        assertThat(written.earlierRuns()).containsExactly(1L, 3L);
        try (FileTransactionLog log = open(directory)) {
            assertThat(List.of(1L, 3L, upgraded)).allMatch(log::recordedEarlierRun);
            assertThat(log.recordedEarlierRun(2)).isFalse();
        }
    }

    /*
     * Setup: two segments of one log (12 decisions, too many to carry forward). Fault: the newer
     * segment's header names another run and lists no earlier run (segments of two directories
     * mixed). Expected: start-up stops, naming the file and the run before it.
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
        rewriteHeaderAsAnotherLogs(newer, incarnation ^ 1);

        assertThatThrownBy(() -> open(directory))
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining(newer + " is damaged at byte offset 16")
                .hasMessageContaining(Incarnations.name(incarnation))
                .hasMessageContaining("were the segments of two log directories mixed?");
    }

    private static SegmentHeader newestHeader(Path directory) throws Exception {
        Path newest;
        try (Stream<Path> files = Files.list(directory)) {
            newest = files.filter(file -> file.getFileName().toString().endsWith(".log"))
                    .max(Path::compareTo)
                    .orElseThrow();
        }
        ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.READ)) {
            channel.read(header, 0);
        }
        return SegmentHeader.decode(header, header.position());
    }

    /** A segment as an Assent of format version 1 wrote it (docs/operating.md): a 128-byte header, then records. */
    private static void writeVersion1Segment(Path directory, long number, long run, LogRecord record) throws Exception {
        byte[] node = "node-a".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(SegmentHeader.V1_BYTES);
        header.putInt(SegmentHeader.MAGIC)
                .putInt(1) // format version
                .putLong(number)
                .putLong(run)
                .putLong(number) // first sequence: one record per segment
                .putInt(node.length)
                .put(node);
        CRC32 crc = new CRC32();
        crc.update(header.array(), 0, 124);
        header.putInt(124, (int) crc.getValue());
        ByteBuffer frame = RecordCodec.encode(record);
        RecordCodec.seal(frame, number);
        try (FileChannel channel = FileChannel.open(
                directory.resolve(String.format(Locale.ROOT, "assent-%08d.log", number)),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            channel.write(new ByteBuffer[] {header.rewind(), frame.rewind()});
            channel.write(ByteBuffer.allocate((int) SEGMENT), channel.size()); // the preallocated zeros
        }
    }

    /** Gives a version 2 header another run and no earlier runs, CRC included, as another log would have. */
    private static void rewriteHeaderAsAnotherLogs(Path segment, long incarnation) throws Exception {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES);
            channel.read(header, 0);
            header.putLong(16, incarnation).putInt(64, 0);
            for (int offset = 72; offset < SegmentHeader.BYTES - 4; offset += 4) {
                header.putInt(offset, 0);
            }
            CRC32 crc = new CRC32();
            crc.update(header.array(), 0, SegmentHeader.BYTES - 4);
            header.putInt(SegmentHeader.BYTES - 4, (int) crc.getValue());
            channel.write(header.rewind(), 0);
            channel.force(true);
        }
    }

    private static void copyDirectory(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
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
