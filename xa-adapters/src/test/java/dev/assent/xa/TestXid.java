package dev.assent.xa;

import java.nio.charset.StandardCharsets;
import javax.transaction.xa.Xid;

/** A plain Xid for driving bare drivers in tests; format 4711, never one of Assent's. */
final class TestXid implements Xid {
    private final byte[] global;
    private final byte[] branch;

    TestXid(int global, int branch) {
        this.global = ("test-" + global + "-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        this.branch = ("b" + branch).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int getFormatId() {
        return 4711;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return global.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return branch.clone();
    }
}
