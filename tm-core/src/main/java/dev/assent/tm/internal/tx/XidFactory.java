package dev.assent.tm.internal.tx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.Xid;

/**
 * Makes this node's Xids and recognises them again.
 *
 * <p>Layout of the global transaction id (frozen: recovery of an older run parses it):
 *
 * <pre>
 *   byte    layout version (1)
 *   byte    node id length n (1..28)
 *   n bytes node id, ASCII
 *   long    incarnation: which run of this node made the Xid, never the same for two runs, even
 *           across a lost or restored log (drawn at random: see Incarnations in the log package)
 *   long    sequence within the run
 * </pre>
 *
 * At most 46 bytes. The branch qualifier is a 4-byte branch number, unique within a transaction.
 */
public final class XidFactory {
    /** "ASNT": the format id of every Xid Assent makes. */
    public static final int FORMAT_ID = 0x41534E54;

    public static final int MAX_NODE_ID_BYTES = 28;
    private static final byte LAYOUT_VERSION = 1;

    private final byte[] nodeId;
    private final long incarnation;
    private final AtomicLong sequence = new AtomicLong();

    public XidFactory(String nodeId, long incarnation) {
        this.nodeId = validNodeId(nodeId);
        this.incarnation = incarnation;
    }

    /**
     * Checks a node id: required, printable ASCII, 1 to 28 bytes.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static byte[] validNodeId(String nodeId) {
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("nodeId is required: give each transaction manager a name unique"
                    + " among those sharing resource managers, e.g. .nodeId(\"orders-1\")");
        }
        for (int i = 0; i < nodeId.length(); i++) {
            char c = nodeId.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(
                        "nodeId '" + nodeId + "' must be printable ASCII without spaces; character " + i + " is not");
            }
        }
        byte[] bytes = nodeId.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > MAX_NODE_ID_BYTES) {
            throw new IllegalArgumentException("nodeId '" + nodeId + "' is " + bytes.length + " bytes; at most "
                    + MAX_NODE_ID_BYTES + " fit in an Xid");
        }
        return bytes;
    }

    public long incarnation() {
        return incarnation;
    }

    /** A new global transaction id, with an empty branch qualifier. */
    public AssentXid newGlobalXid() {
        ByteBuffer gtrid = ByteBuffer.allocate(2 + nodeId.length + 16);
        gtrid.put(LAYOUT_VERSION).put((byte) nodeId.length).put(nodeId);
        gtrid.putLong(incarnation).putLong(sequence.incrementAndGet());
        return AssentXid.owning(FORMAT_ID, gtrid.array(), new byte[0]);
    }

    /** The Xid of branch number {@code branchNumber} of a transaction. */
    public static AssentXid branchXid(AssentXid global, int branchNumber) {
        return global.withBranchQualifier(
                ByteBuffer.allocate(4).putInt(branchNumber).array());
    }

    /** True when {@code xid} was made by this node (any run). */
    public boolean isOurs(Xid xid) {
        return parse(xid).map(parsed -> Arrays.equals(parsed.nodeId, nodeId)).orElse(false);
    }

    /** The incarnation that made one of this node's Xids, if the Xid is ours. */
    public Optional<Long> incarnationOf(Xid xid) {
        return parse(xid).filter(parsed -> Arrays.equals(parsed.nodeId, nodeId)).map(parsed -> parsed.incarnation);
    }

    private static Optional<Parsed> parse(Xid xid) {
        if (xid.getFormatId() != FORMAT_ID) {
            return Optional.empty();
        }
        byte[] gtrid = xid.getGlobalTransactionId();
        if (gtrid.length < 2 || gtrid[0] != LAYOUT_VERSION) {
            return Optional.empty();
        }
        int nodeLength = gtrid[1];
        if (nodeLength < 1 || gtrid.length != 2 + nodeLength + 16) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(gtrid, 2 + nodeLength, 16);
        return Optional.of(new Parsed(Arrays.copyOfRange(gtrid, 2, 2 + nodeLength), buffer.getLong()));
    }

    private static final class Parsed {
        final byte[] nodeId;
        final long incarnation;

        Parsed(byte[] nodeId, long incarnation) {
            this.nodeId = nodeId;
            this.incarnation = incarnation;
        }
    }
}
