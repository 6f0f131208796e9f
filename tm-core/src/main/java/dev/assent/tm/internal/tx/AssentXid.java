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
    private static final byte[] EMPTY = new byte[0];

    private final int formatId;
    private final byte[] globalTransactionId;
    private final byte[] branchQualifier;
    private final int hash;

    /** Copies the arrays: the caller may go on using them. */
    public AssentXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        this(formatId, globalTransactionId.clone(), branchQualifier.clone(), true);
    }

    /** Takes the arrays as they are: for arrays nobody else holds (one allocation less per Xid). */
    private AssentXid(int formatId, byte[] globalTransactionId, byte[] branchQualifier, boolean owned) {
        if (globalTransactionId.length > MAXGTRIDSIZE || branchQualifier.length > MAXBQUALSIZE) {
            throw new IllegalArgumentException("an Xid's gtrid and bqual are at most 64 bytes each, got "
                    + globalTransactionId.length + " and " + branchQualifier.length);
        }
        this.formatId = formatId;
        this.globalTransactionId = globalTransactionId;
        this.branchQualifier = branchQualifier;
        this.hash = hash(formatId, globalTransactionId, branchQualifier);
    }

    /**
     * FNV-1a over 64 bits, folded to 32. Not Arrays.hashCode: its base-31 polynomial over a
     * big-endian counter takes few distinct values (10,000 consecutive transactions shared about
     * 1,400), which turned recovery's hash maps into trees.
     */
    private static int hash(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        long h = 0xcbf29ce484222325L ^ formatId;
        for (byte b : globalTransactionId) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0xff) * 0x100000001b3L; // separates the gtrid from the bqual
        for (byte b : branchQualifier) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return (int) (h ^ (h >>> 32));
    }

    /** An Xid over arrays the caller hands over and never touches again. */
    static AssentXid owning(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        return new AssentXid(formatId, globalTransactionId, branchQualifier, true);
    }

    public static AssentXid copyOf(Xid xid) {
        if (xid instanceof AssentXid assentXid) {
            return assentXid;
        }
        return new AssentXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    /** The same global transaction with another branch qualifier. */
    public AssentXid withBranchQualifier(byte[] qualifier) {
        // The gtrid array is never mutated, so the two Xids may share it.
        return owning(formatId, globalTransactionId, qualifier.clone());
    }

    /** The global part alone (empty branch qualifier): the key of a transaction. */
    public AssentXid global() {
        return branchQualifier.length == 0 ? this : owning(formatId, globalTransactionId, EMPTY);
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

    /**
     * formatId:gtrid:bqual in hex; a transaction's key (no branch qualifier) is formatId:gtrid,
     * without a colon left dangling at the end of a message.
     */
    @Override
    public String toString() {
        String global = Integer.toHexString(formatId) + ":" + HEX.formatHex(globalTransactionId);
        return branchQualifier.length == 0 ? global : global + ":" + HEX.formatHex(branchQualifier);
    }
}
