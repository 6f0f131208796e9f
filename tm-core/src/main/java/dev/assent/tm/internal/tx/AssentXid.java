package dev.assent.tm.internal.tx;

import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/**
 * An immutable Xid. Also used as a map key for Xids that resource managers hand back from
 * {@code recover()}: {@link #copyOf(Xid)} turns any Xid into one with value equality.
 */
public final class AssentXid implements Xid {
    private static final HexFormat HEX = HexFormat.of();

    private final int formatId;
    private final byte[] globalTransactionId;
    private final byte[] branchQualifier;
    private final int hash;

    public AssentXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        if (globalTransactionId.length > MAXGTRIDSIZE || branchQualifier.length > MAXBQUALSIZE) {
            throw new IllegalArgumentException("an Xid's gtrid and bqual are at most 64 bytes each, got "
                    + globalTransactionId.length + " and " + branchQualifier.length);
        }
        this.formatId = formatId;
        this.globalTransactionId = globalTransactionId.clone();
        this.branchQualifier = branchQualifier.clone();
        this.hash = 31 * (31 * formatId + Arrays.hashCode(this.globalTransactionId))
                + Arrays.hashCode(this.branchQualifier);
    }

    public static AssentXid copyOf(Xid xid) {
        if (xid instanceof AssentXid assentXid) {
            return assentXid;
        }
        return new AssentXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    /** The same global transaction with another branch qualifier. */
    public AssentXid withBranchQualifier(byte[] qualifier) {
        return new AssentXid(formatId, globalTransactionId, qualifier);
    }

    /** The global part alone (empty branch qualifier): the key of a transaction. */
    public AssentXid global() {
        return branchQualifier.length == 0 ? this : new AssentXid(formatId, globalTransactionId, new byte[0]);
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return globalTransactionId;
    }

    @Override
    public byte[] getBranchQualifier() {
        return branchQualifier;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AssentXid that
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
        return Integer.toHexString(formatId) + ":" + HEX.formatHex(globalTransactionId) + ":"
                + HEX.formatHex(branchQualifier);
    }
}
