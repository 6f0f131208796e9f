package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage that is not a torn tail stops start-up, names file and offset, and changes nothing on disk. */
class CorruptionTest {
    private static final long SEGMENT = 4096;

    @TempDir
    Path directory;

    private final FaultyStorage storage = new FaultyStorage();

    private FileTransactionLog open() {
        return FileTransactionLog.open(
                directory,
                "node-a",
                FileLogOptions.defaults().withSegmentBytes(SEGMENT).withStorage(storage));
    }

    private static long recordStart(int index) {
        return SegmentHeader.BYTES
                + (long) index * RecordCodec.encode(decision(1)).limit();
    }

    private Path writeThreeDecisions() {
        return writeDecisions(3);
    }

    private Path writeDecisions(int count) {
        try (FileTransactionLog log = open()) {
            for (int i = 1; i <= count; i++) {
                log.appendDurably(decision(i));
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return directory.resolve("assent-00000001.log");
    }

    /*
     * Setup: decisions T1, T2, T3 in segment 1. Fault: one bit flips inside T2.
     * Expected: start-up fails naming segment 1 and T2's offset, says a valid record follows, and
     * leaves the file as it was (T3 must not be cut away).
     */
    @Test
    void flippedBitInAMiddleRecordStopsStartUp() throws Exception {
        Path segment = writeThreeDecisions();
        long offset = recordStart(1);
        flipBit(segment, offset + 40);
        byte[] before = Files.readAllBytes(segment);

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(LogCorruptionException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment.toString());
                    assertThat(e.offset()).isEqualTo(offset);
                })
                .hasMessageContaining(segment + " is damaged at byte offset " + offset)
                .hasMessageContaining("CRC32 mismatch")
                .hasMessageContaining("a valid record follows at offset " + recordStart(2))
                .hasMessageContaining("Move the damaged directory aside");
        assertThat(Files.readAllBytes(segment)).isEqualTo(before);
        assertThat(new SegmentFiles(directory, storage).list()).hasSize(1);
    }

    /*
     * Setup: segment 1 with T1..T12 (too much to carry forward), segment 2 (the next run's).
     * Fault: a bit flips in T12, the last record of segment 1.
     * Expected: not taken for a torn tail, because a newer segment follows.
     */
    @Test
    void damageAtTheEndOfAnOlderSegmentIsNotATornTail() throws Exception {
        Path segment = writeDecisions(12);
        try (FileTransactionLog log = open()) {
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(1);
        }
        assertThat(segment).exists();
        flipBit(segment, recordStart(11) + 30);
        assertThatThrownBy(this::open)
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining("newer segments follow");
    }

    /*
     * Fault: after T3 sits a checksummed record with type code 9.
     * Expected: corruption ("unknown record type code 9"), never cut as a torn tail.
     */
    @Test
    void unknownRecordTypeStopsStartUp() throws Exception {
        Path segment = writeThreeDecisions();
        ByteBuffer frame = RecordCodec.encode(TestRecords.completed(1));
        frame.putInt(12, 9);
        RecordCodec.seal(frame, 4);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(frame, recordStart(3));
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining("unknown record type code 9");
    }

    /*
     * Setup: 100 outstanding decisions fill segments 1, 2, 3 and on (too many to carry forward).
     * Fault: segment 2 is deleted by hand. Expected: start-up names the missing segment.
     */
    @Test
    void missingSegmentStopsStartUp() throws Exception {
        try (FileTransactionLog log = open()) {
            long last = 0;
            for (int i = 1; i <= 100; i++) {
                last = log.append(decision(i));
            }
            log.awaitDurable(last);
        }
        assertThat(new SegmentFiles(directory, storage).list()).hasSizeGreaterThanOrEqualTo(3);
        Files.delete(directory.resolve("assent-00000002.log"));
        assertThatThrownBy(this::open)
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageContaining("assent-00000003.log is damaged at byte offset 0")
                .hasMessageContaining("the segment before it, assent-00000002.log, is missing");
    }

    /* Fault: the header says format version 3 (a newer Assent). Expected: refused, naming the version; not damage. */
    @Test
    void newerFormatVersionIsRefused() throws Exception {
        Path segment = writeThreeDecisions();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, 3), 4);
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(LogCorruptionException.class)
                .hasMessageContaining(
                        segment + " was written in log format version 3; this Assent reads versions 1 to 2");
        assertThat(ByteBuffer.wrap(Files.readAllBytes(segment)).getInt(4)).isEqualTo(3);
    }

    private static void flipBit(Path file, long offset) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x04));
            channel.write(one.rewind(), offset);
        }
    }
}
