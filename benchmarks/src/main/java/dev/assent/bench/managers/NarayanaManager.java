package dev.assent.bench.managers;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.coordinator.TransactionReaper;
import com.arjuna.ats.arjuna.coordinator.TxControl;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqJournalEnvironmentBean;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqObjectStoreAdaptor;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.List;

/**
 * Narayana (JVM-wide singletons: one per JVM) with either of the stores WildFly offers: its default
 * file-per-transaction ShadowNoFileLockStore, or the Artemis journal tuned for commit latency.
 */
final class NarayanaManager implements ManagerUnderTest {
    /**
     * Flushes of the journal's write buffer per second (Narayana's default: 500, a 2 ms window a
     * lone committer waits out). 10,000 gives a 100 µs window: low latency for one thread, still a
     * shared fsync when many commit together.
     */
    static final int JOURNAL_BUFFER_FLUSHES_PER_SECOND = 10_000;

    /** The object stores Narayana configures by name besides its default one. */
    private static final List<String> NAMED_STORES = List.of("communicationStore", "stateStore");

    private final String id;

    private NarayanaManager(String id) {
        this.id = id;
    }

    /** The store Narayana uses when told nothing but where it lives. */
    static NarayanaManager shadowStore(String id, Path directory) throws CoreEnvironmentBeanException {
        configureCommon(directory);
        return started(id);
    }

    /**
     * The journal store: syncWrites on (commit decisions are durable), syncDeletes off (a lost
     * delete only makes recovery find a finished transaction), a high buffer flush rate, and NIO
     * rather than libaio (benchmarks compare the same kind of I/O; libaio may also be missing).
     */
    static NarayanaManager journalStore(String id, Path directory) throws CoreEnvironmentBeanException {
        configureCommon(directory);
        arjPropertyManager
                .getObjectStoreEnvironmentBean()
                .setObjectStoreType(HornetqObjectStoreAdaptor.class.getName());
        // Transaction records go to the default store's journal. Narayana also opens journals for
        // its named stores (communicationStore, stateStore: little or no traffic here), each from
        // a journal configuration of the same name; left alone they would land in the working
        // directory with default settings.
        tune(BeanPopulator.getDefaultInstance(HornetqJournalEnvironmentBean.class), directory.resolve("journal"));
        for (String name : NAMED_STORES) {
            tune(
                    BeanPopulator.getNamedInstance(HornetqJournalEnvironmentBean.class, name),
                    directory.resolve("journal-" + name));
        }
        return started(id);
    }

    private static void tune(HornetqJournalEnvironmentBean journal, Path directory) {
        journal.setStoreDir(directory.toString());
        journal.setSyncWrites(true);
        journal.setSyncDeletes(false);
        journal.setBufferFlushesPerSecond(JOURNAL_BUFFER_FLUSHES_PER_SECOND);
        journal.setAsyncIO(false);
    }

    private static void configureCommon(Path directory) throws CoreEnvironmentBeanException {
        // Narayana logs through jboss-logging; route it to slf4j-simple, quiet below WARN.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("bench");
        String store = directory.resolve("store").toString();
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(store);
        for (String name : NAMED_STORES) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name)
                    .setObjectStoreDir(store);
        }
    }

    private static NarayanaManager started(String id) {
        // The store opens lazily on the first commit; opening it here keeps that out of warm-up
        // and makes a bad setting fail now.
        StoreManager.getRecoveryStore();
        return new NarayanaManager(id);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransactionManager transactionManager() {
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    @Override
    public void close() {
        // Removes the transaction status manager's record now; left to Narayana's shutdown hook,
        // the removal would reopen the store after the benchmark has deleted its directory.
        TxControl.disable(true);
        TransactionReaper.terminate(false);
        StoreManager.shutdown();
    }
}
