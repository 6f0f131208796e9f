package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.RecordingListener;
import dev.assent.tm.testkit.RecordingSynchronization;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaJournal;
import jakarta.transaction.Transaction;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every scenario starts from: a journal that the scripted resources write to, a listener
 * that records what the manager reports, a shared list of synchronization events and a running
 * transaction manager ({@code tm}, node "test", in-memory log). Managers are closed after each test.
 */
abstract class ScenarioTest {
    protected final XaJournal journal = new XaJournal();
    protected final RecordingListener listener = new RecordingListener(journal);
    protected final List<String> syncEvents = RecordingSynchronization.newEventList();
    private final List<AssentTransactionManager> managers = new ArrayList<>();
    protected AssentTransactionManager tm;

    @BeforeEach
    void startTransactionManager() {
        tm = start(configure());
    }

    @AfterEach
    void closeTransactionManagers() {
        for (AssentTransactionManager manager : managers) {
            manager.close();
        }
    }

    /** The default configuration of a scenario, with the recording listener. */
    protected Assent.Builder configure() {
        return Assent.configure().nodeId("test").inMemoryLog().listener(listener);
    }

    /** Builds a manager that is closed after the test. */
    protected AssentTransactionManager start(Assent.Builder builder) {
        AssentTransactionManager manager = builder.build();
        managers.add(manager);
        return manager;
    }

    protected ScriptedXAResource resource(String label) {
        return journal.resource(label);
    }

    protected ScriptedXAResource resource(String label, String rmName) {
        return journal.resource(label, rmName);
    }

    protected RecordingSynchronization sync(String name) {
        return new RecordingSynchronization(name, syncEvents);
    }

    /** Begins a transaction on {@code manager} and enlists the resources in order. */
    protected static Transaction begin(AssentTransactionManager manager, ScriptedXAResource... resources)
            throws Exception {
        manager.begin();
        Transaction tx = manager.getTransaction();
        for (ScriptedXAResource resource : resources) {
            assertThat(tx.enlistResource(resource)).as("enlist %s", resource).isTrue();
        }
        return tx;
    }

    /** Begins a transaction on {@code tm} and enlists the resources in order. */
    protected Transaction begin(ScriptedXAResource... resources) throws Exception {
        return begin(tm, resources);
    }

    /**
     * Checks that {@code failure} carries what {@code resource} threw under {@code fault}: the very
     * XAException, or for a RuntimeException an XAER_RMFAIL XAException wrapping it.
     */
    protected static void assertCausedBy(Throwable failure, ScriptedXAResource resource, Reaction fault) {
        XAException cause = xaCause(failure);
        if (fault.isRuntimeException()) {
            assertThat(cause.errorCode).isEqualTo(XAException.XAER_RMFAIL);
            assertThat(cause.getCause()).isSameAs(resource.lastThrown());
        } else {
            assertThat(cause).isSameAs(resource.lastThrown());
            assertThat(cause.errorCode).isEqualTo(fault.errorCode());
        }
    }

    /** The XAException that the manager attached to {@code failure}. */
    protected static XAException xaCause(Throwable failure) {
        assertThat(failure.getCause()).as("cause of %s", failure).isInstanceOf(XAException.class);
        return (XAException) failure.getCause();
    }
}
