package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash in the middle of the last write: the log is cut there, and everything before survives. */
class TornTailTest {
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
     * Setup: decisions T1, T2, T3 durable in segment 1 (preallocated with zeros).
     * Fault: the last record is torn after k bytes, for every k: either the bytes after k stayed
     * zero (preallocated file) or the file ends at k.
     * Expected: start-up replays T1 and T2, reports the cut when something was left of T3 (a
     * zero-filled T3 of under 4 bytes is the clean end) and writes T4 after the cut; a second
     * start-up (checked for a sample of k) finds a clean log holding T1, T2, T4.
     */
    @Test
    void lastRecordTornAtEveryByteIsCutAndEarlierRecordsSurvive() throws Exception {
        Path directory = root.resolve("log");
        try (FileTransactionLog log = open(directory)) {
            log.appendDurably(decision(1));
            log.appendDurably(decision(2));
            log.appendDurably(decision(3));
        }
        Path segment = directory.resolve("assent-00000001.log");
        byte[] intact = Files.readAllBytes(segment);
        int lastLength = RecordCodec.encode(decision(3)).limit();
        long lastStart =
                SegmentHeader.BYTES + 2L * RecordCodec.encode(decision(1)).limit();
        for (int k = 0; k < lastLength; k++) {
            for (boolean zeroFilled : new boolean[] {true, false}) {
                restore(directory, segment, intact);
                tear(segment, lastStart + k, zeroFilled);
                boolean somethingLeft = zeroFilled ? k >= 4 : k > 0;
                boolean checkAfterwards = k < 6 || k == lastLength / 2 || k == lastLength - 1;
                try (FileTransactionLog log = open(directory)) {
                    assertThat(replayed(log))
                            .as("k=%d zeroFilled=%s", k, zeroFilled)
                            .containsExactly(decision(1), decision(2));
                    assertThat(log.openReport().tornTail().isPresent())
                            .as("torn tail reported, k=%d zeroFilled=%s", k, zeroFilled)
                            .isEqualTo(somethingLeft);
                    log.openReport()
                            .tornTail()
                            .ifPresent(torn -> assertThat(torn.offset()).isEqualTo(lastStart));
                    if (checkAfterwards) { // the other offsets repeat these cases
                        log.appendDurably(decision(4));
                    }
                }
                if (checkAfterwards) {
                    try (FileTransactionLog log = open(directory)) {
                        assertThat(log.openReport().tornTail()).isEmpty();
                        assertThat(replayed(log)).containsExactly(decision(1), decision(2), decision(4));
                    }
                }
            }
        }
    }

    /** Puts segment 1 back as it was and removes the segments later runs made. */
    private static void restore(Path directory, Path segment, byte[] intact) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".log")) {
                    Files.delete(file);
                }
            }
        }
        Files.write(segment, intact);
    }

    /*
     * Setup: one durable decision. Fault: a crash while the next segment was being created left
     * it blank (all zeros; or empty).
     * Expected: start-up deletes the blank segment, says so, and reuses its number.
     */
    @Test
    void blankSegmentFromAnInterruptedCreationIsRemoved() throws Exception {
        Path directory = root.resolve("blank");
        try (FileTransactionLog log = open(directory)) {
            log.appendDurably(decision(1));
        }
        Path blank = directory.resolve("assent-00000002.log");
        Files.write(blank, new byte[(int) SEGMENT]);
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.openReport().removedBlankSegments()).containsExactly(blank);
            assertThat(replayed(log)).containsExactly(decision(1));
            // Number 2 again, now this run's segment with a real header.
            assertThat(ByteBuffer.wrap(Files.readAllBytes(blank)).getInt()).isEqualTo(SegmentHeader.MAGIC);
        }
        Files.write(directory.resolve("assent-00000003.log"), new byte[0]);
        try (FileTransactionLog log = open(directory)) {
            assertThat(log.openReport().removedBlankSegments()).hasSize(1);
            assertThat(log.openReport().earlierRunsRecorded()).isEqualTo(2);
        }
    }

    private static void tear(Path segment, long at, boolean zeroFilled) throws Exception {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            if (zeroFilled) {
                channel.write(ByteBuffer.allocate((int) (channel.size() - at)), at);
            } else {
                channel.truncate(at);
            }
        }
    }
}
