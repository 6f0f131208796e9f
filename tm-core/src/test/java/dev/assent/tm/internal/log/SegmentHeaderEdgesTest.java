package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.decision;
import static dev.assent.tm.internal.log.TestRecords.replayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review of the incarnation scheme and segment header version 2 (findings and regression checks). */
class SegmentHeaderEdgesTest {
    private static final long SEGMENT = 4096;

    @TempDir
    Path directory;

    private FileTransactionLog open() {
        return FileTransactionLog.open(
                directory,
                "node-a",
                FileLogOptions.defaults().withSegmentBytes(SEGMENT).withStorage(new FaultyStorage()));
    }

    /*
     * Fault: the format version field of a segment header rots to 0. Version 0 was never written
     * by any Assent, so this is damage, not a newer format. Expected: the log's corruption
     * exception, not advice to run a newer Assent.
     */
    @Test
    void aVersionFieldBelowTheOldestIsDamageNotANewerAssent() throws Exception {
        try (FileTransactionLog log = open()) {
            log.appendDurably(decision(1));
        }
        Path segment = directory.resolve("assent-00000001.log");
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, 0), 4);
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(LogCorruptionException.class)
                .hasMessageNotContaining("newer Assent");
    }

    /*
     * Setup: run 1 leaves 12 decisions (too many to carry
     * forward, so segment 1 stays pinned), then the log is opened REMEMBERED_EARLIER_RUNS + 2
     * times. Expected: start-up never refuses the log (checkSameLog holds for every pair), the
     * decisions of run 1 are still replayed, and run 1 is no longer vouched for (its other branches
     * are left in doubt, never presumed aborted).
     */
    @Test
    void aPinnedRunOlderThanTheWindowKeepsItsDecisionsAndIsNoLongerVouchedFor() throws Exception {
        long first;
        List<LogRecord> decisions = new ArrayList<>();
        try (FileTransactionLog log = open()) {
            first = log.incarnation();
            for (int i = 1; i <= 12; i++) {
                log.appendDurably(decision(i));
                decisions.add(decision(i));
            }
        }
        for (int i = 0; i < Incarnations.REMEMBERED_EARLIER_RUNS + 2; i++) {
            try (FileTransactionLog log = open()) {
                assertThat(replayed(log)).containsExactlyElementsOf(decisions);
                assertThat(log.recordedEarlierRun(first)).isEqualTo(i < Incarnations.REMEMBERED_EARLIER_RUNS);
            }
        }
        assertThat(directory.resolve("assent-00000001.log")).exists();
    }
}
