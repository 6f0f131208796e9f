package dev.assent.bench.recovery;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/**
 * A branch identifier as the store keeps it: its own copies of the bytes, equal to any other
 * {@code StoredXid} with the same format id and bytes (whatever transaction manager made the Xid).
 */
final class StoredXid implements Xid {
    private static final HexFormat HEX = HexFormat.of();

    private final int formatId;
    private final byte[] globalTransactionId;
    private final byte[] branchQualifier;
    private final int hash;

    private StoredXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        if (globalTransactionId.length > MAXGTRIDSIZE || branchQualifier.length > MAXBQUALSIZE) {
            throw new IllegalArgumentException("an Xid has at most 64 bytes of global id and 64 of qualifier");
        }
        this.formatId = formatId;
        this.globalTransactionId = globalTransactionId;
        this.branchQualifier = branchQualifier;
        this.hash = 31 * (31 * formatId + Arrays.hashCode(globalTransactionId)) + Arrays.hashCode(branchQualifier);
    }

    static StoredXid copyOf(Xid xid) {
        if (xid instanceof StoredXid stored) {
            return stored;
        }
        return new StoredXid(
                xid.getFormatId(),
                xid.getGlobalTransactionId().clone(),
                xid.getBranchQualifier().clone());
    }

    /** Reads what {@link #write} wrote. */
    static StoredXid read(ByteBuffer in) {
        int formatId = in.getInt();
        byte[] global = new byte[Byte.toUnsignedInt(in.get())];
        in.get(global);
        byte[] qualifier = new byte[Byte.toUnsignedInt(in.get())];
        in.get(qualifier);
        return new StoredXid(formatId, global, qualifier);
    }

    void write(ByteBuffer out) {
        out.putInt(formatId);
        out.put((byte) globalTransactionId.length);
        out.put(globalTransactionId);
        out.put((byte) branchQualifier.length);
        out.put(branchQualifier);
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return globalTransactionId.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return branchQualifier.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredXid that
                && formatId == that.formatId
                && Arrays.equals(globalTransactionId, that.globalTransactionId)
                && Arrays.equals(branchQualifier, that.branchQualifier);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return formatId + ":" + HEX.formatHex(globalTransactionId) + ":" + HEX.formatHex(branchQualifier);
    }
}
