package dev.assent.tm.internal.log;

import static dev.assent.tm.internal.log.TestRecords.branch;
import static dev.assent.tm.internal.log.TestRecords.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.internal.tx.AssentXid;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static ByteBuffer sealed(LogRecord record, long sequence) {
        ByteBuffer frame = RecordCodec.encode(record);
        RecordCodec.seal(frame, sequence);
        return frame;
    }

    private static RecordCodec.Decoded roundTrip(LogRecord record, long sequence) throws Exception {
        ByteBuffer frame = sealed(record, sequence);
        RecordCodec.FrameCheck check = RecordCodec.check(frame, 0, frame.limit());
        assertThat(check.status()).isEqualTo(RecordCodec.FrameStatus.VALID);
        assertThat(check.length()).isEqualTo(frame.limit());
        return RecordCodec.decode(frame, 0, check.length());
    }

    /* Every record type, encoded and decoded: equal record, same sequence. */
    @Test
    void everyRecordTypeSurvivesARoundTrip() throws Exception {
        List<LogRecord> records = List.of(
                TestRecords.decision(1),
                new LogRecord.CommitDecision(transaction(2), List.of()),
                TestRecords.completed(3),
                new LogRecord.Heuristic(
                        transaction(4),
                        new LogRecord.BranchRef(branch(4, 1), "stock-db"),
                        XAException.XA_HEURMIX,
                        true),
                new LogRecord.Heuristic(
                        transaction(5), new LogRecord.BranchRef(branch(5, 7), null), XAException.XA_HEURRB, false),
                new LogRecord.HeuristicForgotten(transaction(4), branch(4, 1)));
        long sequence = 1L << 40;
        for (LogRecord record : records) {
            RecordCodec.Decoded decoded = roundTrip(record, sequence);
            assertThat(decoded.record()).isEqualTo(record);
            assertThat(decoded.sequence()).isEqualTo(sequence++);
        }
    }

    /* Names outside ASCII and Xids at their 64-byte limits keep every byte. */
    @Test
    void unicodeNamesAndFullSizeXidsSurvive() throws Exception {
        AssentXid big = new AssentXid(-1, new byte[64], filled(64));
        LogRecord record = new LogRecord.CommitDecision(
                big.global(),
                List.of(new LogRecord.BranchRef(big, "lagerbestände-€"), new LogRecord.BranchRef(big, "")));
        assertThat(roundTrip(record, 9).record()).isEqualTo(record);
    }

    /* Setup: a valid frame. Fault: each kind of damage. Expected: check names it. */
    @Test
    void checkTellsEveryKindOfDamage() {
        ByteBuffer frame = sealed(TestRecords.decision(1), 5);
        int length = frame.limit();

        assertThat(RecordCodec.check(frame, 0, length - 1).problem()).startsWith("incomplete record");
        assertThat(RecordCodec.check(frame, 0, 3).problem()).contains("too few for a record");

        ByteBuffer flipped = copy(frame);
        flipped.put(20, (byte) (flipped.get(20) ^ 0x10));
        assertThat(RecordCodec.check(flipped, 0, length).problem()).startsWith("CRC32 mismatch");

        ByteBuffer noMarker = copy(frame);
        noMarker.putInt(length - 4, 0);
        assertThat(RecordCodec.check(noMarker, 0, length).problem()).startsWith("end marker missing");

        ByteBuffer silly = copy(frame);
        silly.putInt(0, 7);
        assertThat(RecordCodec.check(silly, 0, length).problem()).startsWith("implausible record length 7");

        ByteBuffer zero = ByteBuffer.allocate(64);
        assertThat(RecordCodec.check(zero, 0, 64).status()).isEqualTo(RecordCodec.FrameStatus.ZERO);
    }

    /* A checksummed frame of a type this version does not know is corruption, said plainly. */
    @Test
    void unknownTypeCodeIsMalformed() {
        ByteBuffer frame = RecordCodec.encode(TestRecords.completed(1));
        frame.putInt(12, 9);
        RecordCodec.seal(frame, 1);
        assertThat(RecordCodec.check(frame, 0, frame.limit()).status()).isEqualTo(RecordCodec.FrameStatus.VALID);
        assertThatThrownBy(() -> RecordCodec.decode(frame, 0, frame.limit()))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessageContaining("unknown record type code 9");
    }

    /* Fields that contradict the frame's length are malformed, not an exception from deep inside. */
    @Test
    void inconsistentPayloadIsMalformed() {
        ByteBuffer frame = RecordCodec.encode(TestRecords.decision(1));
        frame.put(16 + 4, (byte) 65); // gtrid length beyond 64
        RecordCodec.seal(frame, 1);
        assertThatThrownBy(() -> RecordCodec.decode(frame, 0, frame.limit()))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessageContaining("at most 64");

        ByteBuffer shortened = RecordCodec.encode(TestRecords.completed(1));
        shortened.put(16 + 4, (byte) 60); // claims more gtrid bytes than the payload holds
        RecordCodec.seal(shortened, 1);
        assertThatThrownBy(() -> RecordCodec.decode(shortened, 0, shortened.limit()))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessageContaining("shorter than its fields say");
    }

    @Test
    void oversizeRecordIsRefused() {
        List<LogRecord.BranchRef> branches = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            branches.add(new LogRecord.BranchRef(branch(1, i), "x".repeat(200)));
        }
        LogRecord huge = new LogRecord.CommitDecision(transaction(1), branches);
        assertThatThrownBy(() -> RecordCodec.encode(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the log's record limit");
    }

    @Test
    void onlyDecisionsAndHeuristicsNeedAForce() {
        assertThat(RecordCodec.needsForce(TestRecords.decision(1))).isTrue();
        assertThat(RecordCodec.needsForce(TestRecords.completed(1))).isFalse();
        assertThat(RecordCodec.needsForce(new LogRecord.HeuristicForgotten(transaction(1), branch(1, 1))))
                .isFalse();
    }

    private static ByteBuffer copy(ByteBuffer frame) {
        ByteBuffer copy = ByteBuffer.allocate(frame.limit());
        copy.put(frame.duplicate()).flip();
        return copy;
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 1);
        }
        return bytes;
    }
}
