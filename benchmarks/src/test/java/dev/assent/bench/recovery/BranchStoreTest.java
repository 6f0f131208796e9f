package dev.assent.bench.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's durable resource: what one process prepared, another finds after reopening; a
 * torn last record is cut; commit and rollback of unknown branches answer XAER_NOTA; the crash
 * gate stops a commit before the store sees it.
 */
class BranchStoreTest {
    @TempDir
    Path dir;

    private static Xid xid(int n) {
        return StoredXid.copyOf(new TestXid(4711, new byte[] {1, 2, (byte) n}, new byte[] {(byte) n}));
    }

    @Test
    void preparedBranchesSurviveAReopenAndFinishedOnesDoNot() throws IOException {
        Path file = dir.resolve("rm.branches");
        try (BranchStore store = BranchStore.open(file, ResourceCommit.WRITTEN)) {
            for (int n = 1; n <= 4; n++) {
                store.prepare(xid(n));
            }
            assertThat(store.commit(xid(1))).isTrue();
            assertThat(store.rollback(xid(2))).isTrue();
            assertThat(store.commit(xid(1))).as("a second commit").isFalse();
            assertThat(store.forces()).as("only the prepares were forced").isEqualTo(4);
        }
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            assertThat(store.prepared()).containsExactly(xid(3), xid(4));
            assertThat(store.committedCount()).isEqualTo(1);
            assertThat(store.rolledBackCount()).isEqualTo(1);
            assertThat(store.commit(xid(3))).isTrue();
            assertThat(store.forces()).as("the commit was forced").isEqualTo(1);
            assertThat(store.commitMode()).isEqualTo(ResourceCommit.FORCED);
        }
    }

    @Test
    void aTornLastRecordIsCut() throws IOException {
        Path file = dir.resolve("rm.branches");
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            store.prepare(xid(1));
            store.prepare(xid(2));
        }
        long whole = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(whole - 3); // the crash interrupted the second record
        }
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            assertThat(store.prepared()).containsExactly(xid(1));
            store.prepare(xid(3));
        }
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            assertThat(store.prepared()).containsExactly(xid(1), xid(3));
        }
    }

    @Test
    void aRecordWithABadChecksumEndsTheValidPart() throws IOException {
        Path file = dir.resolve("rm.branches");
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            store.prepare(xid(1));
            store.prepare(xid(2));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x55}), Files.size(file) - 1);
        }
        try (BranchStore store = BranchStore.open(file, ResourceCommit.FORCED)) {
            assertThat(store.prepared()).containsExactly(xid(1));
        }
    }

    @Test
    void theXaResourceAnswersAsAResourceManagerWould() throws Exception {
        try (BranchStore store = BranchStore.open(dir.resolve("rm.branches"), ResourceCommit.WRITTEN)) {
            StoreXAResource resource = new StoreXAResource("rm-a", store, StoreXAResource.PhaseTwoGate.OPEN);
            resource.start(xid(1), XAResource.TMNOFLAGS);
            resource.end(xid(1), XAResource.TMSUCCESS);
            assertThat(resource.prepare(xid(1))).isEqualTo(XAResource.XA_OK);
            resource.prepare(xid(2));

            assertThat(resource.recover(XAResource.TMSTARTRSCAN)).containsExactly(xid(1), xid(2));
            assertThat(resource.recover(XAResource.TMENDRSCAN)).isEmpty();
            resource.commit(xid(1), false);
            resource.rollback(xid(2));
            assertThat(resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                    .isEmpty();

            assertThatThrownBy(() -> resource.commit(xid(1), false))
                    .isInstanceOfSatisfying(
                            XAException.class, e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_NOTA));
            assertThatThrownBy(() -> resource.rollback(xid(9)))
                    .isInstanceOfSatisfying(
                            XAException.class, e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_NOTA));
            assertThatThrownBy(() -> resource.commit(xid(3), true))
                    .isInstanceOfSatisfying(
                            XAException.class, e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_PROTO));
            assertThat(resource.commits()).isEqualTo(1);
            assertThat(resource.unknownCommits()).isEqualTo(1);
            assertThat(resource.rollbacks()).isEqualTo(2);
            assertThat(resource.recoverScans()).isEqualTo(2);
            assertThat(resource.resourceManagerName()).isEqualTo("rm-a");
            assertThat(resource.isSameRM(new StoreXAResource("other", store, StoreXAResource.PhaseTwoGate.OPEN)))
                    .isTrue();
            assertThat(resource.setTransactionTimeout(5)).isFalse();
            assertThat(resource.getTransactionTimeout()).isZero();
        }
    }

    @Test
    void theCrashGateStopsACommitBeforeTheStoreSeesIt() throws Exception {
        try (BranchStore store = BranchStore.open(dir.resolve("rm.branches"), ResourceCommit.FORCED)) {
            StoreXAResource resource = new StoreXAResource("rm-a", store, xid -> {
                throw StoreXAResource.error(XAException.XAER_RMFAIL, "unreachable");
            });
            resource.prepare(xid(1));

            assertThatThrownBy(() -> resource.commit(xid(1), false))
                    .isInstanceOfSatisfying(
                            XAException.class, e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL));
            assertThat(store.prepared()).containsExactly(xid(1));
        }
    }

    @Test
    void storedXidsAreEqualByValue() {
        Xid a = xid(1);
        Xid b = StoredXid.copyOf(new TestXid(4711, new byte[] {1, 2, 1}, new byte[] {1}));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(xid(2));
        assertThat(a.toString()).isEqualTo("4711:010201:01");
        assertThat(List.of(a.getGlobalTransactionId().length, a.getBranchQualifier().length))
                .containsExactly(3, 1);
        assertThatThrownBy(() -> ResourceCommit.byId("sometimes")).hasMessageContaining("forced or written");
        assertThat(ResourceCommit.byId("written")).isEqualTo(ResourceCommit.WRITTEN);
    }

    private record TestXid(int getFormatId, byte[] getGlobalTransactionId, byte[] getBranchQualifier) implements Xid {}
}
