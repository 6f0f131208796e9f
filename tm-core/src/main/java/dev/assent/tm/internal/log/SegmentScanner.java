package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads one segment file from its header to the end of its valid records, and tells what lies
 * beyond: the clean, never-written end (end of file or zeros), or damage, and whether valid
 * records follow the damage (then it cannot be a torn tail). Reads through a sliding window, so a
 * large preallocated segment is never held in memory whole.
 */
final class SegmentScanner {
    private static final int WINDOW_BYTES = 2 * RecordCodec.MAX_FRAME_BYTES;

    /** Receives every valid record in file order. */
    interface RecordVisitor {
        void accept(LogRecord record, long sequence, long offset, int frameBytes);
    }

    /**
     * Something other than a valid record or the clean end at {@code offset}.
     *
     * @param nextValidOffset where the next valid frame starts after the damage, -1 if none does
     * @param neverTorn true when the bytes at {@code offset} are a complete, checksummed frame that
     *     is wrong in content (unknown type, out of sequence): a torn write cannot produce that
     */
    record Damage(long offset, String problem, long nextValidOffset, boolean neverTorn) {
        boolean couldBeTornTail() {
            return !neverTorn && nextValidOffset < 0;
        }
    }

    /**
     * What a scan found. {@code header} is null when it could not be read; {@code headerProblem}
     * then says why. {@code validEnd} is the offset after the last valid record.
     */
    record Result(
            SegmentHeader header,
            SegmentHeader.InvalidHeaderException headerProblem,
            long fileSize,
            long validEnd,
            long lastSequence,
            Damage damage) {}

    private final LogChannel channel;
    private final long size;
    private final ByteBuffer window;
    private long windowStart;
    private int windowFilled;

    private SegmentScanner(LogChannel channel, long size) {
        this.channel = channel;
        this.size = size;
        // A window no larger than the file: small segments (tests) should not cost a 2 MiB allocation.
        this.window = ByteBuffer.allocate((int) Math.max(1, Math.min(WINDOW_BYTES, size)));
    }

    static Result scan(LogChannel channel, RecordVisitor visitor) throws IOException {
        SegmentScanner scanner = new SegmentScanner(channel, channel.size());
        return scanner.scan(visitor);
    }

    private Result scan(RecordVisitor visitor) throws IOException {
        load(0, SegmentHeader.BYTES);
        SegmentHeader header;
        try {
            header = SegmentHeader.decode(window, (int) Math.min(size, SegmentHeader.BYTES));
        } catch (SegmentHeader.InvalidHeaderException e) {
            // From the end of the shortest header (version 1's) on: no record can start before it.
            Damage damage = new Damage(0, e.getMessage(), findValidFrame(SegmentHeader.V1_BYTES), false);
            return new Result(null, e, size, 0, -1, damage);
        }
        long offset = header.recordsOffset();
        long expected = header.firstSequence();
        while (offset < size) {
            long remaining = size - offset;
            int index = load(offset, (int) Math.min(remaining, RecordCodec.MAX_FRAME_BYTES));
            RecordCodec.FrameCheck check = RecordCodec.check(window, index, remaining);
            if (check.status() == RecordCodec.FrameStatus.ZERO && allZeroFrom(offset)) {
                break;
            }
            if (check.status() != RecordCodec.FrameStatus.VALID) {
                String problem = check.status() == RecordCodec.FrameStatus.ZERO
                        ? "a zero length field followed by non-zero bytes"
                        : check.problem();
                Damage damage = new Damage(offset, problem, findValidFrame(offset + 1), false);
                return new Result(header, null, size, offset, expected - 1, damage);
            }
            RecordCodec.Decoded decoded;
            try {
                decoded = RecordCodec.decode(window, index, check.length());
            } catch (RecordCodec.MalformedRecordException e) {
                return new Result(header, null, size, offset, expected - 1, neverTorn(offset, e.getMessage()));
            }
            if (decoded.sequence() != expected) {
                String problem = "record sequence " + decoded.sequence() + " where " + expected + " was expected";
                return new Result(header, null, size, offset, expected - 1, neverTorn(offset, problem));
            }
            visitor.accept(decoded.record(), decoded.sequence(), offset, check.length());
            offset += check.length();
            expected++;
        }
        return new Result(header, null, size, offset, expected - 1, null);
    }

    private static Damage neverTorn(long offset, String problem) {
        return new Damage(offset, problem, -1, true);
    }

    /** The first offset from {@code from} on where a valid frame starts, or -1. */
    private long findValidFrame(long from) throws IOException {
        for (long offset = from; offset + RecordCodec.MIN_FRAME_BYTES <= size; offset++) {
            long remaining = size - offset;
            int index = load(offset, (int) Math.min(remaining, RecordCodec.MAX_FRAME_BYTES));
            if (RecordCodec.check(window, index, remaining).status() == RecordCodec.FrameStatus.VALID) {
                return offset;
            }
        }
        return -1;
    }

    private ByteBuffer zeros;

    private boolean allZeroFrom(long from) throws IOException {
        long offset = from;
        while (offset < size) {
            int wanted = (int) Math.min(window.capacity(), size - offset);
            int index = load(offset, wanted);
            if (zeros == null) {
                zeros = ByteBuffer.allocate(window.capacity());
            }
            // ByteBuffer.mismatch compares many bytes per step: a 64 MiB preallocated tail is
            // checked at memory speed, not byte by byte (that loop dominated start-up).
            if (window.slice(index, wanted).mismatch(zeros.slice(0, wanted)) != -1) {
                return false;
            }
            offset += wanted;
        }
        return true;
    }

    /**
     * Makes {@code wanted} bytes from {@code offset} available in the window (fewer at the end of
     * the file) and returns the index of {@code offset} in it.
     */
    private int load(long offset, int wanted) throws IOException {
        long end = Math.min(offset + wanted, size);
        if (offset >= windowStart && end <= windowStart + windowFilled) {
            return (int) (offset - windowStart);
        }
        window.clear();
        windowStart = offset;
        windowFilled = 0;
        long fillable = Math.min(window.capacity(), size - offset);
        while (windowFilled < fillable) {
            window.position(windowFilled);
            int read = channel.read(window, windowStart + windowFilled);
            if (read < 0) {
                throw new IOException("the file ended at " + (windowStart + windowFilled)
                        + " bytes although its size is " + size + " (was it cut while being read?)");
            }
            windowFilled += read;
        }
        return 0;
    }
}
