package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** Enlistment and delistment: branches, TMJOIN, suspend and resume of associations, Xids. */
class EnlistmentTest extends ScenarioTest {

    @Test
    void delistWithTmSuccessThenCommit() throws Exception {
        // Resources: a. Fault: none; the application delists a with TMSUCCESS before commit.
        // Expected: end(TMSUCCESS) once, at the delist; then one-phase commit.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        assertThat(tx.delistResource(a, XAResource.TMSUCCESS)).isTrue();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tm.commit();
        assertThat(journal.script())
                .containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
    }

    @Test
    void delistWithTmFailMarksRollbackOnly() throws Exception {
        // Resources: a. Fault: the application delists a with TMFAIL.
        // Expected: STATUS_MARKED_ROLLBACK; commit() throws RollbackException; a is rolled back.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        assertThat(tx.delistResource(a, XAResource.TMFAIL)).isTrue();
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        assertThat(journal.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMFAIL)", "a.rollback(x1)");
    }

    @Test
    void delistWithTmSuspendThenReEnlistResumes() throws Exception {
        // Resources: a. Fault: none; a is suspended and enlisted again.
        // Expected: end(TMSUSPEND), start(TMRESUME) on the same Xid, then one-phase commit.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        assertThat(tx.delistResource(a, XAResource.TMSUSPEND)).isTrue();
        assertThat(tx.enlistResource(a)).isTrue();
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a.end(x1, TMSUSPEND)",
                        "a.start(x1, TMRESUME)",
                        "a.end(x1, TMSUCCESS)",
                        "a.commit(x1, true)");
    }

    @Test
    void aSuspendedAssociationIsEndedAtCommit() throws Exception {
        // Resources: a. Fault: none; a is still suspended when the application commits.
        // Expected: end(TMSUCCESS) of the suspended association, then one-phase commit.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        tx.delistResource(a, XAResource.TMSUSPEND);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUSPEND)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
    }

    @Test
    void reEnlistAfterTmSuccessJoinsTheBranch() throws Exception {
        // Resources: a. Fault: none; a is delisted with TMSUCCESS and enlisted again.
        // Expected: the second start is TMJOIN on the same Xid.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        tx.delistResource(a, XAResource.TMSUCCESS);
        tx.enlistResource(a);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "a.start(x1, TMJOIN)",
                        "a.end(x1, TMSUCCESS)",
                        "a.commit(x1, true)");
    }

    @Test
    void eachResourceManagerGetsItsOwnBranch() throws Exception {
        // Resources: a, b (different resource managers). Fault: none.
        // Expected: two branches of one gtrid with distinct qualifiers; two-phase commit.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        begin(a, b);
        tm.commit();
        List<Xid> xids = journal.xids();
        assertThat(xids).hasSize(2);
        assertThat(xids.get(0).getGlobalTransactionId()).isEqualTo(xids.get(1).getGlobalTransactionId());
        assertThat(xids.get(0).getBranchQualifier()).isNotEqualTo(xids.get(1).getBranchQualifier());
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "b.prepare(x2)",
                        "a.commit(x1, false)",
                        "b.commit(x2, false)");
    }

    @Test
    void secondResourceOfTheSameResourceManagerJoins() throws Exception {
        // Resources: a and a2, both of resource manager "a". Fault: none.
        // Expected: one branch; a2 starts with TMJOIN on a's Xid; both are ended; the branch is
        // committed in one phase through a only.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource a2 = resource("a2", "a");
        begin(a, a2);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a2.start(x1, TMJOIN)",
                        "a.end(x1, TMSUCCESS)",
                        "a2.end(x1, TMSUCCESS)",
                        "a.commit(x1, true)");
        assertThat(a2.calls(Verb.SET_TRANSACTION_TIMEOUT)).isZero();
    }

    @Test
    void aJoinedBranchIsPreparedAndCommittedThroughItsFirstResource() throws Exception {
        // Resources: a and a2 of resource manager "a", b of another. Fault: none.
        // Expected: two branches; prepare and commit go to a and b, never to a2.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource a2 = resource("a2", "a");
        ScriptedXAResource b = resource("b");
        begin(a, a2, b);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a2.start(x1, TMJOIN)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "a2.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "b.prepare(x2)",
                        "a.commit(x1, false)",
                        "b.commit(x2, false)");
    }

    @Test
    void refusedJoinFallsBackToABranchOfItsOwn() throws Exception {
        // Resources: a and a2 of resource manager "a". Fault: a2 refuses start(TMJOIN) (XAER_PROTO).
        // Expected: a2 starts a branch of its own; the transaction commits in two phases.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource a2 = resource("a2", "a").failOnCall(Verb.START, 1, XAException.XAER_PROTO);
        begin(a, a2);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a2.start(x1, TMJOIN)",
                        "a2.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "a2.end(x2, TMSUCCESS)",
                        "a.prepare(x1)",
                        "a2.prepare(x2)",
                        "a.commit(x1, false)",
                        "a2.commit(x2, false)");
    }

    @Test
    void enlistingTheSameResourceTwiceIsHarmless() throws Exception {
        // Resources: a, enlisted twice. Fault: none. Expected: one start, one-phase commit.
        ScriptedXAResource a = resource("a");
        Transaction tx = begin(a);
        assertThat(tx.enlistResource(a)).isTrue();
        tm.commit();
        assertThat(journal.script())
                .containsExactly("a.start(x1, TMNOFLAGS)", "a.end(x1, TMSUCCESS)", "a.commit(x1, true)");
    }

    @Test
    void xidsCarryTheFormatIdAndTheNodeId() throws Exception {
        // Resources: a, b in one transaction, c in a second. Fault: none.
        // Expected: format id "ASNT", the node id inside the gtrid, at most 64 bytes each,
        // distinct qualifiers within a transaction, distinct gtrids across transactions.
        begin(resource("a"), resource("b"));
        tm.commit();
        begin(resource("c"));
        tm.commit();

        List<Xid> xids = journal.xids();
        assertThat(xids).hasSize(3);
        byte[] nodeId = "test".getBytes(StandardCharsets.US_ASCII);
        for (Xid xid : xids) {
            assertThat(xid.getFormatId()).isEqualTo(0x41534E54);
            assertThat(xid.getGlobalTransactionId().length).isBetween(1, Xid.MAXGTRIDSIZE);
            assertThat(xid.getBranchQualifier().length).isBetween(1, Xid.MAXBQUALSIZE);
            assertThat(contains(xid.getGlobalTransactionId(), nodeId))
                    .as("gtrid carries the node id")
                    .isTrue();
        }
        assertThat(xids.get(0).getGlobalTransactionId()).isEqualTo(xids.get(1).getGlobalTransactionId());
        assertThat(xids.get(0).getBranchQualifier()).isNotEqualTo(xids.get(1).getBranchQualifier());
        assertThat(xids.get(2).getGlobalTransactionId())
                .isNotEqualTo(xids.get(0).getGlobalTransactionId());
    }

    @Test
    void enlistingInARollbackOnlyTransactionIsRefused() throws Exception {
        // Resources: a enlisted, b enlisted after setRollbackOnly. Fault: rollback-only.
        // Expected: RollbackException from enlistResource; b never receives start.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        Transaction tx = begin(a);
        tx.setRollbackOnly();
        assertThatThrownBy(() -> tx.enlistResource(b)).isInstanceOf(RollbackException.class);
        tm.rollback();
        assertThat(b.script()).isEmpty();
    }

    @Test
    void duplicateXidAtStartTakesAFreshBranchQualifier() throws Exception {
        // Resources: a. Fault: the first start answers XAER_DUPID.
        // Expected: a second start with a new qualifier of the same gtrid; commit uses it.
        ScriptedXAResource a = resource("a").failOnCall(Verb.START, 1, XAException.XAER_DUPID);
        begin(a);
        tm.commit();
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "a.start(x2, TMNOFLAGS)",
                        "a.end(x2, TMSUCCESS)",
                        "a.commit(x2, true)");
        List<Xid> xids = journal.xids();
        assertThat(xids.get(0).getGlobalTransactionId()).isEqualTo(xids.get(1).getGlobalTransactionId());
    }

    @Test
    void rollbackCodeAtStartMakesTheTransactionRollbackOnly() throws Exception {
        // Resources: a. Fault: start answers XA_RBROLLBACK.
        // Expected: RollbackException caused by that XAException; the transaction is rollback-only.
        ScriptedXAResource a = resource("a").fail(Verb.START, XAException.XA_RBROLLBACK);
        tm.begin();
        Transaction tx = tm.getTransaction();
        Throwable thrown = catchThrowable(() -> tx.enlistResource(a));
        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(xaCause(thrown)).isSameAs(a.lastThrown());
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_MARKED_ROLLBACK);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
    }

    @Test
    void branchMarkedRollbackOnlyAtStartIsRolledBack() throws Exception {
        // Resources: a. Fault: start(TMNOFLAGS) answers XA_RBROLLBACK.
        // Expected (XA: after xa_start returns XA_RB* the resource manager holds the Xid as a
        // rollback-only branch, which only xa_rollback ends): when the application rolls back, a
        // receives rollback(x1), so that the resource manager can release the branch.
        ScriptedXAResource a = resource("a").fail(Verb.START, XAException.XA_RBROLLBACK);
        tm.begin();
        Transaction tx = tm.getTransaction();
        assertThatThrownBy(() -> tx.enlistResource(a)).isInstanceOf(RollbackException.class);
        tm.rollback();
        assertThat(a.script()).containsExactly("a.start(x1, TMNOFLAGS)", "a.rollback(x1)");
    }

    @Test
    void failedResourceManagerAtStartIsASystemException() throws Exception {
        // Resources: a failing, b healthy. Fault: a's start answers XAER_RMFAIL.
        // Expected: SystemException caused by that XAException; the transaction stays usable.
        ScriptedXAResource a = resource("a").fail(Verb.START, XAException.XAER_RMFAIL);
        ScriptedXAResource b = resource("b");
        tm.begin();
        Transaction tx = tm.getTransaction();
        Throwable thrown = catchThrowable(() -> tx.enlistResource(a));
        assertThat(thrown).isInstanceOf(SystemException.class);
        assertThat(xaCause(thrown).errorCode).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(tm.getStatus()).isEqualTo(Status.STATUS_ACTIVE);
        tx.enlistResource(b);
        tm.commit();
        assertThat(b.script()).containsExactly("b.start(x2, TMNOFLAGS)", "b.end(x2, TMSUCCESS)", "b.commit(x2, true)");
    }

    @Test
    void failedEndAtCommitRollsBack() throws Exception {
        // Resources: a, b. Fault: a's end(TMSUCCESS) answers XA_RBDEADLOCK.
        // Expected: RollbackException caused by it; nothing is prepared; both branches rolled back.
        ScriptedXAResource a = resource("a").fail(Verb.END, XAException.XA_RBDEADLOCK);
        ScriptedXAResource b = resource("b");
        begin(a, b);
        Throwable thrown = catchThrowable(tm::commit);
        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(xaCause(thrown)).isSameAs(a.lastThrown());
        assertThat(journal.script())
                .containsExactly(
                        "a.start(x1, TMNOFLAGS)",
                        "b.start(x2, TMNOFLAGS)",
                        "a.end(x1, TMSUCCESS)",
                        "b.end(x2, TMSUCCESS)",
                        "a.rollback(x1)",
                        "b.rollback(x2)");
    }

    @Test
    void timeoutIsPassedToEveryNewBranch() throws Exception {
        // Resources: a and a2 (same resource manager), b. Fault: none.
        // Expected: setTransactionTimeout before each new branch's start, none before a TMJOIN.
        tm.setTransactionTimeout(7);
        begin(resource("a"), resource("a2", "a"), resource("b"));
        tm.rollback();
        List<String> starts = journal.fullScript().stream()
                .filter(call -> call.contains("start") || call.contains("Timeout"))
                .collect(Collectors.toList());
        assertThat(starts)
                .containsExactly(
                        "a.setTransactionTimeout(7)",
                        "a.start(x1, TMNOFLAGS)",
                        "a2.start(x1, TMJOIN)",
                        "b.setTransactionTimeout(7)",
                        "b.start(x2, TMNOFLAGS)");
        assertThat(journal.calls().stream().map(XaCall::verb)).doesNotContain(Verb.GET_TRANSACTION_TIMEOUT);
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowable(call);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
