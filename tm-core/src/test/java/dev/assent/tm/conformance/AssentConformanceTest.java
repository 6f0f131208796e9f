package dev.assent.tm.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The conformance contract against Assent, plus Assent's choices where the specification leaves room. */
class AssentConformanceTest extends JtaConformanceContract {
    private final AssentTransactionManager tm = Assent.configure()
            .nodeId("conformance")
            .inMemoryLog()
            .timeoutCheckInterval(Duration.ofMillis(20))
            .build();

    @Override
    protected TransactionManager tm() {
        return tm;
    }

    @Override
    protected TransactionSynchronizationRegistry registry() {
        return tm.synchronizationRegistry();
    }

    @AfterEach
    void close() {
        tm.close();
    }

    @Test
    void aSingleBranchCommitsInOnePhase() throws Exception {
        // Room in the specification: JTA does not require the one-phase optimisation; XA allows it.
        // Assent uses it (no prepare, no log write); Narayana does the same.
        tm.begin();
        tm.getTransaction().enlistResource(resource("a"));
        tm.commit();

        assertThat(journal).containsExactly("a:start", "a:end", "a:commit-1pc");
    }

    @Test
    void delistWithTmFailMarksRollbackOnly() throws Exception {
        // Room: XA says TMFAIL lets the resource manager mark the branch rollback-only; Assent goes
        // further and marks the whole transaction, since its work is known to be incomplete.
        tm.begin();
        XAResource a = resource("a");
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().delistResource(a, XAResource.TMFAIL);

        assertThat(tm.getStatus()).isEqualTo(jakarta.transaction.Status.STATUS_MARKED_ROLLBACK);
        tm.rollback();
    }

    @Test
    void resumingNullLeavesTheThreadWithoutTransaction() throws Exception {
        // Room: the javadoc does not say what resume(null) means. Assent treats it as "no
        // transaction", so that resume(suspend()) works when there was none.
        tm.resume(null);
        assertThat(tm.getTransaction()).isNull();
    }

    @Test
    void resumingACompletedTransactionIsInvalid() throws Exception {
        tm.begin();
        Transaction done = tm.getTransaction();
        tm.commit();

        assertThatThrownBy(() -> tm.resume(done)).isInstanceOf(InvalidTransactionException.class);
    }
}
