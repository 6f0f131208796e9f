package dev.assent.tm.internal.log;

import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.XidFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The first {@value #BYTES} bytes of every segment file. Frozen layout, big-endian; a reader
 * refuses a format version it does not know instead of guessing.
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x41534C47 ("ASLG")
 * 4       4     format version (2; 1 is still read)
 * 8       8     segment number (also in the file name)
 * 16      8     incarnation: which run of the node created the segment ({@link Incarnations}: the
 *               log's random number and the run within it)
 * 24      8     sequence of the segment's first record
 * 32      4     node id length n (1..28)
 * 36      28    node id, ASCII, padded with zeros
 * 64      60    reserved, zero
 * 124     4     CRC32 of bytes 0..123
 * </pre>
 *
 * Records ({@link RecordCodec}) follow from offset {@value #BYTES}.
 *
 * <p>Version 2 has version 1's bytes; what changed is what the incarnation means. Version 1 logs
 * counted runs from 1, so their incarnations read as log number 0; a version 2 log carries its log
 * number in every segment's incarnation, which is how it remembers which runs it recorded. An
 * Assent that reads only version 1 refuses a version 2 log rather than take the runs of a lost log
 * (a lower incarnation) for its own earlier runs and presume their branches aborted.
 */
record SegmentHeader(long segmentNumber, long incarnation, long firstSequence, String nodeId) {
    static final int BYTES = 128;
    static final int MAGIC = 0x41534C47;
    static final int FORMAT_VERSION = 2;
    /** The oldest format version still read: its layout is version 2's. */
    static final int OLDEST_READABLE_VERSION = 1;

    private static final int NODE_ID_OFFSET = 36;
    private static final int CRC_OFFSET = 124;

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
        byte[] node = XidFactory.validNodeId(nodeId);
        ByteBuffer buffer = ByteBuffer.allocate(BYTES);
        buffer.putInt(MAGIC)
                .putInt(FORMAT_VERSION)
                .putLong(segmentNumber)
                .putLong(incarnation)
                .putLong(firstSequence)
                .putInt(node.length)
                .put(node);
        buffer.putInt(CRC_OFFSET, crc(buffer));
        buffer.clear();
        return buffer;
    }

    /** Reads a header from {@code buffer} (position 0, {@code available} bytes filled). */
    static SegmentHeader decode(ByteBuffer buffer, int available) throws InvalidHeaderException {
        if (available < BYTES) {
            InvalidHeaderException.Kind kind = allZero(buffer, available)
                    ? InvalidHeaderException.Kind.BLANK
                    : InvalidHeaderException.Kind.DAMAGED;
            throw new InvalidHeaderException(
                    "the file is " + Plural.count(available, "byte") + " long, shorter than a segment header", kind);
        }
        if (allZero(buffer, BYTES)) {
            throw new InvalidHeaderException("the segment header is all zeros", InvalidHeaderException.Kind.BLANK);
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
        if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
            throw new InvalidHeaderException(
                    "log format version " + version + "; this Assent reads versions " + OLDEST_READABLE_VERSION + " to "
                            + FORMAT_VERSION,
                    InvalidHeaderException.Kind.UNSUPPORTED_VERSION);
        }
        if (buffer.getInt(CRC_OFFSET) != crc(buffer)) {
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
                buffer.getLong(8), buffer.getLong(16), buffer.getLong(24), new String(node, StandardCharsets.US_ASCII));
    }

    private static int crc(ByteBuffer buffer) {
        CRC32 crc = new CRC32();
        ByteBuffer covered = buffer.duplicate();
        covered.limit(CRC_OFFSET).position(0);
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
