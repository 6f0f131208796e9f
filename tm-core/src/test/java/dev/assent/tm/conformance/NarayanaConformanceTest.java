package dev.assent.tm.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance contract against Narayana, the reference Jakarta EE transaction manager. If a
 * contract scenario fails here, the scenario (not Narayana) is the first suspect.
 */
class NarayanaConformanceTest extends JtaConformanceContract {

    @BeforeAll
    static void configureNarayana() throws Exception {
        Path store = Files.createTempDirectory("narayana-store");
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(store.toString());
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("conformance");
    }

    @Override
    protected TransactionManager tm() {
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    @Override
    protected TransactionSynchronizationRegistry registry() {
        return new TransactionSynchronizationRegistryImple();
    }

    @Test
    void aSingleBranchCommitsInOnePhase() throws Exception {
        // Room (see AssentConformanceTest): Narayana too commits a lone branch in one phase.
        tm().begin();
        tm().getTransaction().enlistResource(resource("a"));
        tm().commit();

        assertThat(journal).containsExactly("a:start", "a:end", "a:commit-1pc");
    }

    @Test
    void delistWithTmFailLeavesTheTransactionActive() throws Exception {
        // Room: Narayana leaves the verdict to the resource manager; Assent marks rollback-only.
        tm().begin();
        XAResource b = resource("b");
        tm().getTransaction().enlistResource(b);
        tm().getTransaction().delistResource(b, XAResource.TMFAIL);

        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_ACTIVE);
    }

    @Test
    void resumingACompletedTransactionIsAccepted() throws Exception {
        // Room: Narayana associates the thread with a finished transaction (status COMMITTED);
        // Assent refuses it with InvalidTransactionException, as the handle can do nothing useful.
        tm().begin();
        Transaction done = tm().getTransaction();
        tm().commit();
        tm().resume(done);

        assertThat(tm().getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        tm().suspend();
    }

    @Test
    void resumingNullLeavesTheThreadWithoutTransaction() throws Exception {
        // Room: the same choice as Assent.
        tm().resume(null);
        assertThat(tm().getTransaction()).isNull();
    }

    @AfterEach
    void leaveNoTransactionBehind() throws SystemException {
        // Narayana is a JVM-wide singleton: a failed scenario must not leak into the next one.
        if (tm().getStatus() != Status.STATUS_NO_TRANSACTION) {
            tm().rollback();
        }
        tm().setTransactionTimeout(0);
    }
}
