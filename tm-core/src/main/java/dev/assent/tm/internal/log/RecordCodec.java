package dev.assent.tm.internal.log;

import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.AssentXid;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import javax.transaction.xa.Xid;

/**
 * Turns {@link LogRecord}s into self-checking frames and back. The layout is frozen: a later
 * version reads it, so fields are only ever added in a new format version (see {@link SegmentHeader}).
 * All numbers are big-endian.
 *
 * <pre>
 * offset   size  field
 * 0        4     length L of the whole frame, this field through the end marker (= 24 + n)
 * 4        8     sequence: one more than the frame before it in the log
 * 12       4     type code, one of LogRecord.TYPE_* (1 commit decision, 2 completed,
 *                3 heuristic, 4 heuristic forgotten)
 * 16       n     payload, by type (below)
 * 16+n     4     CRC32 of bytes 0 .. 16+n-1
 * 20+n     4     end marker 0x454E4421 ("END!")
 * </pre>
 *
 * Payloads:
 *
 * <pre>
 * xid                 := int formatId, byte g (0..64), g bytes gtrid, byte b (0..64), b bytes bqual
 * name                := int k (-1: no name), k bytes UTF-8
 * branch              := xid, name (the resource manager's name)
 * commit decision     := xid transaction, int count, count x branch
 * completed           := xid transaction
 * heuristic           := xid transaction, branch, int XA code, byte decidedCommit (0 or 1)
 * heuristic forgotten := xid transaction, xid branch
 * </pre>
 *
 * A frame is at most {@link #MAX_FRAME_BYTES}. Zero bytes never start a frame (L is at least 24),
 * which is how a reader tells the preallocated, never-written end of a segment.
 */
final class RecordCodec {
    static final int END_MARKER = 0x454E4421;
    static final int HEADER_BYTES = 16;
    static final int TRAILER_BYTES = 8;
    static final int MIN_FRAME_BYTES = HEADER_BYTES + TRAILER_BYTES;
    /** Large enough for a commit decision with thousands of branches; bounds what a reader buffers. */
    static final int MAX_FRAME_BYTES = 1 << 20;

    private static final int MAX_XID_PART = 64;

    private RecordCodec() {}

    /** What a reader found at an offset. */
    enum FrameStatus {
        /** A complete frame whose length, CRC and end marker check. */
        VALID,
        /** The length field is zero: the start of never-written space, or damage. */
        ZERO,
        /** Something that is not a valid frame: torn, or corrupt. */
        DAMAGED
    }

    /** The result of {@link #check}: {@code length} is set when VALID, {@code problem} when DAMAGED. */
    record FrameCheck(FrameStatus status, int length, String problem) {}

    /** A decoded frame. */
    record Decoded(long sequence, LogRecord record) {}

    /** A frame whose checks pass but whose content is not a record this version understands. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }
    }

    /** Whether a batch holding this record must be forced even if nobody waits for it. */
    static boolean needsForce(LogRecord record) {
        // Presumed abort: a lost completion only makes recovery ask again; a lost decision or
        // heuristic report would lose a fact, and both are rare enough that forcing costs nothing.
        return record instanceof LogRecord.CommitDecision || record instanceof LogRecord.Heuristic;
    }

    /**
     * Encodes a frame with sequence 0 and no CRC yet; {@link #seal} completes it once the writer
     * knows its place in the log.
     *
     * @throws IllegalArgumentException when the frame would exceed {@link #MAX_FRAME_BYTES}
     */
    static ByteBuffer encode(LogRecord record) {
        long length = (long) MIN_FRAME_BYTES + payloadSize(record);
        if (length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("a " + record.getClass().getSimpleName() + " of " + length
                    + " bytes exceeds the log's record limit of " + MAX_FRAME_BYTES + " bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate((int) length);
        frame.putInt((int) length).putLong(0L).putInt(record.typeCode());
        writePayload(frame, record);
        frame.putInt(0).putInt(END_MARKER);
        frame.flip();
        return frame;
    }

    /** Writes the sequence and the CRC into an encoded frame; leaves its position at 0. */
    static void seal(ByteBuffer frame, long sequence) {
        int length = frame.getInt(0);
        frame.putLong(4, sequence);
        frame.putInt(length - TRAILER_BYTES, crc(frame, 0, length - TRAILER_BYTES));
        frame.position(0);
    }

    /**
     * Checks the frame starting at {@code index} of {@code buffer}, of which {@code available}
     * bytes (up to the end of the file) may belong to it; the buffer must hold
     * {@code min(available, MAX_FRAME_BYTES)} bytes from {@code index}.
     */
    static FrameCheck check(ByteBuffer buffer, int index, long available) {
        if (available < 4) {
            return damaged(
                    "only " + Plural.count(available, "byte") + " before the end of the file, too few for a record");
        }
        int length = buffer.getInt(index);
        if (length == 0) {
            return new FrameCheck(FrameStatus.ZERO, 0, null);
        }
        if (length < MIN_FRAME_BYTES || length > MAX_FRAME_BYTES) {
            return damaged("implausible record length " + length);
        }
        if (length > available) {
            return damaged("incomplete record: length " + length + " but " + Plural.count(available, "byte")
                    + " left in the file");
        }
        if (buffer.getInt(index + length - 4) != END_MARKER) {
            return damaged("end marker missing in a record of length " + length);
        }
        int stored = buffer.getInt(index + length - TRAILER_BYTES);
        if (stored != crc(buffer, index, length - TRAILER_BYTES)) {
            return damaged("CRC32 mismatch in a record of length " + length);
        }
        return new FrameCheck(FrameStatus.VALID, length, null);
    }

    /** Decodes a frame that {@link #check} found VALID. */
    static Decoded decode(ByteBuffer buffer, int index, int length) throws MalformedRecordException {
        long sequence = buffer.getLong(index + 4);
        int typeCode = buffer.getInt(index + 12);
        ByteBuffer payload = buffer.duplicate();
        payload.limit(index + length - TRAILER_BYTES).position(index + HEADER_BYTES);
        try {
            LogRecord record = readPayload(typeCode, payload);
            if (payload.hasRemaining()) {
                throw new MalformedRecordException(
                        payload.remaining() + " unexpected bytes after the payload of type " + typeCode);
            }
            return new Decoded(sequence, record);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MalformedRecordException("the payload of type " + typeCode + " is shorter than its fields say");
        }
    }

    private static FrameCheck damaged(String problem) {
        return new FrameCheck(FrameStatus.DAMAGED, 0, problem);
    }

    private static int crc(ByteBuffer buffer, int index, int length) {
        ByteBuffer region = buffer.duplicate();
        region.limit(index + length).position(index);
        CRC32 crc = new CRC32();
        crc.update(region);
        return (int) crc.getValue();
    }

    private static int payloadSize(LogRecord record) {
        // Java 17 has no pattern switch; the family is sealed, so the last branch is the fourth type.
        if (record instanceof LogRecord.CommitDecision decision) {
            int size = xidSize(decision.transactionId()) + 4;
            for (LogRecord.BranchRef branch : decision.branches()) {
                size += branchSize(branch);
            }
            return size;
        } else if (record instanceof LogRecord.Completed completed) {
            return xidSize(completed.transactionId());
        } else if (record instanceof LogRecord.Heuristic heuristic) {
            return xidSize(heuristic.transactionId()) + branchSize(heuristic.branch()) + 4 + 1;
        } else {
            LogRecord.HeuristicForgotten forgotten = (LogRecord.HeuristicForgotten) record;
            return xidSize(forgotten.transactionId()) + xidSize(forgotten.branchXid());
        }
    }

    private static void writePayload(ByteBuffer out, LogRecord record) {
        if (record instanceof LogRecord.CommitDecision decision) {
            writeXid(out, decision.transactionId());
            out.putInt(decision.branches().size());
            for (LogRecord.BranchRef branch : decision.branches()) {
                writeBranch(out, branch);
            }
        } else if (record instanceof LogRecord.Completed completed) {
            writeXid(out, completed.transactionId());
        } else if (record instanceof LogRecord.Heuristic heuristic) {
            writeXid(out, heuristic.transactionId());
            writeBranch(out, heuristic.branch());
            out.putInt(heuristic.xaCode());
            out.put(heuristic.decidedCommit() ? (byte) 1 : (byte) 0);
        } else {
            LogRecord.HeuristicForgotten forgotten = (LogRecord.HeuristicForgotten) record;
            writeXid(out, forgotten.transactionId());
            writeXid(out, forgotten.branchXid());
        }
    }

    private static LogRecord readPayload(int typeCode, ByteBuffer in) throws MalformedRecordException {
        switch (typeCode) {
            case LogRecord.TYPE_COMMIT_DECISION:
                AssentXid transaction = readXid(in);
                int count = in.getInt();
                if (count < 0 || count > in.remaining()) {
                    throw new MalformedRecordException("implausible branch count " + count);
                }
                List<LogRecord.BranchRef> branches = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    branches.add(readBranch(in));
                }
                return new LogRecord.CommitDecision(transaction, branches);
            case LogRecord.TYPE_COMPLETED:
                return new LogRecord.Completed(readXid(in));
            case LogRecord.TYPE_HEURISTIC:
                AssentXid heuristicTransaction = readXid(in);
                LogRecord.BranchRef branch = readBranch(in);
                int xaCode = in.getInt();
                byte decidedCommit = in.get();
                if (decidedCommit != 0 && decidedCommit != 1) {
                    throw new MalformedRecordException("decidedCommit byte is " + decidedCommit + ", not 0 or 1");
                }
                return new LogRecord.Heuristic(heuristicTransaction, branch, xaCode, decidedCommit == 1);
            case LogRecord.TYPE_HEURISTIC_FORGOTTEN:
                return new LogRecord.HeuristicForgotten(readXid(in), readXid(in));
            default:
                throw new MalformedRecordException("unknown record type code " + typeCode
                        + " (this version knows 1 to 4; was the log written by a newer Assent?)");
        }
    }

    private static int xidSize(Xid xid) {
        return 4 + 1 + xid.getGlobalTransactionId().length + 1 + xid.getBranchQualifier().length;
    }

    private static int branchSize(LogRecord.BranchRef branch) {
        String name = branch.resourceManagerName();
        return xidSize(branch.xid()) + 4 + (name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length);
    }

    private static void writeXid(ByteBuffer out, Xid xid) {
        byte[] gtrid = xid.getGlobalTransactionId();
        byte[] bqual = xid.getBranchQualifier();
        out.putInt(xid.getFormatId());
        out.put((byte) gtrid.length).put(gtrid);
        out.put((byte) bqual.length).put(bqual);
    }

    private static void writeBranch(ByteBuffer out, LogRecord.BranchRef branch) {
        writeXid(out, branch.xid());
        String name = branch.resourceManagerName();
        if (name == null) {
            out.putInt(-1);
        } else {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static AssentXid readXid(ByteBuffer in) throws MalformedRecordException {
        int formatId = in.getInt();
        byte[] gtrid = readXidPart(in, "gtrid");
        byte[] bqual = readXidPart(in, "bqual");
        return new AssentXid(formatId, gtrid, bqual);
    }

    private static byte[] readXidPart(ByteBuffer in, String part) throws MalformedRecordException {
        int length = Byte.toUnsignedInt(in.get());
        if (length > MAX_XID_PART) {
            throw new MalformedRecordException("an Xid " + part + " of " + length + " bytes (at most 64)");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static LogRecord.BranchRef readBranch(ByteBuffer in) throws MalformedRecordException {
        AssentXid xid = readXid(in);
        int length = in.getInt();
        if (length == -1) {
            return new LogRecord.BranchRef(xid, null);
        }
        if (length < 0 || length > in.remaining()) {
            throw new MalformedRecordException("implausible resource manager name length " + length);
        }
        byte[] name = new byte[length];
        in.get(name);
        return new LogRecord.BranchRef(xid, new String(name, StandardCharsets.UTF_8));
    }
}
