package dev.assent.tm.internal.tx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How Xids read in messages: formatId:gtrid:bqual in hex, nothing left dangling. */
class AssentXidTest {

    @Test
    void aBranchPrintsItsThreeParts() {
        AssentXid branch = new AssentXid(0x41534e54, new byte[] {1, 2}, new byte[] {0, 3});

        assertThat(branch).hasToString("41534e54:0102:0003");
    }

    @Test
    void aTransactionKeyWithoutBranchQualifierEndsWithItsGlobalId() {
        AssentXid branch = new AssentXid(0x41534e54, new byte[] {1, 2}, new byte[] {0, 3});

        assertThat(branch.global()).hasToString("41534e54:0102");
    }
}
