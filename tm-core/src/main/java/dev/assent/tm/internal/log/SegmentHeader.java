package dev.assent.tm.internal.log;

import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.XidFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The header at the start of every segment file. Frozen layout, big-endian; a reader refuses a
 * format version it does not know instead of guessing. Version 2, written now, takes {@value
 * #BYTES} bytes:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x41534C47 ("ASLG")
 * 4       4     format version (2; 1 is still read)
 * 8       8     segment number (also in the file name)
 * 16      8     incarnation: the run that created the segment, drawn at random ({@link Incarnations})
 * 24      8     sequence of the segment's first record
 * 32      4     node id length n (1..28)
 * 36      28    node id, ASCII, padded with zeros
 * 64      4     count k of earlier runs (0..{@value Incarnations#REMEMBERED_EARLIER_RUNS})
 * 68      4     reserved, zero
 * 72      8*k   the incarnations of the log's earlier runs that it recorded, oldest first
 *         ...   zero up to the CRC
 * 508     4     CRC32 of bytes 0..507
 * </pre>
 *
 * Records ({@link RecordCodec}) follow from offset {@value #BYTES}.
 *
 * <p>The list of earlier runs is how a log remembers which runs it recorded: a run's commit
 * decisions are in this log only if the run wrote a segment of it, and the segment that run wrote
 * may have been deleted since, so every new segment carries the list forward (docs/protocols.md
 * §4). Version 1 headers took {@value #V1_BYTES} bytes: the same fields up to offset 64, bytes
 * 64..123 reserved, the CRC32 of bytes 0..123 at offset 124, records from offset 128; their
 * incarnation was a run count and they list no earlier runs. An Assent that reads only version 1
 * refuses a version 2 log rather than take the runs of a lost log for its own earlier runs.
 *
 * @param earlierRuns the log's earlier runs this segment's writer recorded, oldest first; empty
 *     in a version 1 header
 * @param formatVersion the version the header was written in ({@link #FORMAT_VERSION} for a header
 *     made to be written)
 */
record SegmentHeader(
        long segmentNumber,
        long incarnation,
        List<Long> earlierRuns,
        long firstSequence,
        String nodeId,
        int formatVersion) {
    /** One disk sector, which a power loss leaves whole or not written at all, never torn. */
    static final int BYTES = 512;

    static final int V1_BYTES = 128;
    static final int MAGIC = 0x41534C47;
    static final int FORMAT_VERSION = 2;
    /** The oldest format version still read. */
    static final int OLDEST_READABLE_VERSION = 1;

    private static final int NODE_ID_OFFSET = 36;
    private static final int EARLIER_RUN_COUNT_OFFSET = 64;
    private static final int EARLIER_RUNS_OFFSET = 72;
    /** Enough to tell a blank file from a damaged one and to read the format version. */
    private static final int VERSION_END = 8;

    SegmentHeader {
        earlierRuns = List.copyOf(earlierRuns);
    }

    /** A header to be written now, in {@link #FORMAT_VERSION}. */
    SegmentHeader(long segmentNumber, long incarnation, List<Long> earlierRuns, long firstSequence, String nodeId) {
        this(segmentNumber, incarnation, earlierRuns, firstSequence, nodeId, FORMAT_VERSION);
    }

    /** Where the segment's records start. */
    int recordsOffset() {
        return bytes(formatVersion);
    }

    private static int bytes(int version) {
        return version == 1 ? V1_BYTES : BYTES;
    }

    /** A header that cannot be read, and why. */
    static final class InvalidHeaderException extends Exception {
        private static final long serialVersionUID = 1L;

        /** What kind of unreadable. */
        enum Kind {
            /** All zeros or missing: the file was created but its header never reached the disk. */
            BLANK,
            DAMAGED,
            /** A format version this Assent does not know: written by a newer one. */
            UNSUPPORTED_VERSION
        }

        private final Kind kind;

        InvalidHeaderException(String message, Kind kind) {
            super(message);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }

    ByteBuffer encode() {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalStateException("only format version " + FORMAT_VERSION + " is written");
        }
        if (earlierRuns.size() > Incarnations.REMEMBERED_EARLIER_RUNS) {
            throw new IllegalArgumentException("a segment header lists at most " + Incarnations.REMEMBERED_EARLIER_RUNS
                    + " earlier runs, not " + earlierRuns.size());
        }
        byte[] node = XidFactory.validNodeId(nodeId);
        ByteBuffer buffer = ByteBuffer.allocate(BYTES);
        buffer.putInt(MAGIC)
                .putInt(FORMAT_VERSION)
                .putLong(segmentNumber)
                .putLong(incarnation)
                .putLong(firstSequence)
                .putInt(node.length)
                .put(node);
        buffer.putInt(EARLIER_RUN_COUNT_OFFSET, earlierRuns.size());
        for (int i = 0; i < earlierRuns.size(); i++) {
            buffer.putLong(EARLIER_RUNS_OFFSET + 8 * i, earlierRuns.get(i));
        }
        buffer.putInt(BYTES - 4, crc(buffer, BYTES));
        buffer.clear();
        return buffer;
    }

    /** Reads a header from {@code buffer} (position 0, {@code available} bytes filled). */
    static SegmentHeader decode(ByteBuffer buffer, int available) throws InvalidHeaderException {
        int version = formatVersion(buffer, available);
        int length = bytes(version);
        if (available < length) {
            throw new InvalidHeaderException(
                    "the file is " + Plural.count(available, "byte") + " long, shorter than a version " + version
                            + " segment header",
                    InvalidHeaderException.Kind.DAMAGED);
        }
        if (buffer.getInt(length - 4) != crc(buffer, length)) {
            throw new InvalidHeaderException(
                    "the segment header's CRC32 does not match", InvalidHeaderException.Kind.DAMAGED);
        }
        int nodeIdLength = buffer.getInt(32);
        if (nodeIdLength < 1 || nodeIdLength > XidFactory.MAX_NODE_ID_BYTES) {
            throw new InvalidHeaderException(
                    "implausible node id length " + nodeIdLength, InvalidHeaderException.Kind.DAMAGED);
        }
        byte[] node = new byte[nodeIdLength];
        buffer.get(NODE_ID_OFFSET, node);
        return new SegmentHeader(
                buffer.getLong(8),
                buffer.getLong(16),
                version == 1 ? List.of() : earlierRuns(buffer),
                buffer.getLong(24),
                new String(node, StandardCharsets.US_ASCII),
                version);
    }

    /** Checks that the buffer starts a segment header, and returns its format version. */
    private static int formatVersion(ByteBuffer buffer, int available) throws InvalidHeaderException {
        if (allZero(buffer, Math.min(available, BYTES))) {
            throw new InvalidHeaderException(
                    available < V1_BYTES
                            ? "the file is " + Plural.count(available, "byte") + " long, shorter than a segment header"
                            : "the segment header is all zeros",
                    InvalidHeaderException.Kind.BLANK);
        }
        if (available < VERSION_END) {
            throw new InvalidHeaderException(
                    "the file is " + Plural.count(available, "byte") + " long, shorter than a segment header",
                    InvalidHeaderException.Kind.DAMAGED);
        }
        int magic = buffer.getInt(0);
        if (magic != MAGIC) {
            throw new InvalidHeaderException(
                    "not an Assent log segment (magic 0x" + Integer.toHexString(magic) + ", expected 0x"
                            + Integer.toHexString(MAGIC) + ")",
                    InvalidHeaderException.Kind.DAMAGED);
        }
        // The version decides the rest of the layout, the CRC's place included, so it comes first.
        int version = buffer.getInt(4);
        if (version < OLDEST_READABLE_VERSION) {
            // No Assent ever wrote these: the field itself is damaged.
            throw new InvalidHeaderException(
                    "its format version field reads " + version + ", which no Assent writes",
                    InvalidHeaderException.Kind.DAMAGED);
        }
        if (version > FORMAT_VERSION) {
            throw new InvalidHeaderException(
                    "log format version " + version + "; this Assent reads versions " + OLDEST_READABLE_VERSION + " to "
                            + FORMAT_VERSION,
                    InvalidHeaderException.Kind.UNSUPPORTED_VERSION);
        }
        return version;
    }

    private static List<Long> earlierRuns(ByteBuffer buffer) throws InvalidHeaderException {
        int count = buffer.getInt(EARLIER_RUN_COUNT_OFFSET);
        if (count < 0 || count > Incarnations.REMEMBERED_EARLIER_RUNS) {
            throw new InvalidHeaderException(
                    "implausible count of earlier runs " + count, InvalidHeaderException.Kind.DAMAGED);
        }
        List<Long> runs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            runs.add(buffer.getLong(EARLIER_RUNS_OFFSET + 8 * i));
        }
        return runs;
    }

    private static int crc(ByteBuffer buffer, int headerBytes) {
        CRC32 crc = new CRC32();
        ByteBuffer covered = buffer.duplicate();
        covered.limit(headerBytes - 4).position(0);
        crc.update(covered);
        return (int) crc.getValue();
    }

    private static boolean allZero(ByteBuffer buffer, int length) {
        for (int i = 0; i < length; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
