package dev.assent.bench.recovery;

import com.arjuna.ats.arjuna.common.RecoveryEnvironmentBean;
import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.arjuna.recovery.RecoveryModule;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import dev.assent.bench.managers.Manager;
import dev.assent.bench.managers.ManagerUnderTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAResource;

/**
 * Narayana's side of the recovery benchmark: the same store configuration as the coordinator
 * benchmark ({@link Manager#NARAYANA_JOURNAL} or {@link Manager#NARAYANA_SHADOW}), and its recovery
 * manager with the default recovery modules, both resources registered through an
 * {@link XAResourceRecoveryHelper} as an application server registers its data sources.
 *
 * <p>One scan of Narayana's recovery manager is two passes over every module with a configured
 * back-off between them (at least 1 s: {@code recoveryBackoffPeriod} is whole seconds and 0 would
 * wait forever). The XA module lists the prepared branches in the first pass; the atomic-action
 * module replays the logged decisions and commits the branches in the second. Two marker modules,
 * first and last in the module list, time the passes and the wait between them.
 */
final class NarayanaRecovery {
    /** The shortest back-off Narayana allows between the two passes of a scan, in seconds. */
    static final int BACKOFF_SECONDS = 1;

    private NarayanaRecovery() {}

    /** The manager the crashing process commits through: the coordinator benchmark's settings. */
    static ManagerUnderTest startForCrash(Manager manager, Path logDirectory) throws Exception {
        return manager.start(logDirectory);
    }

    /** Opens the crashed run's store, runs one recovery scan, and stops the recovery manager. */
    static RecoveryTimings recover(Manager manager, Path logDirectory, List<StoreXAResource> resources)
            throws Exception {
        RecoveryEnvironmentBean recovery = recoveryPropertyManager.getRecoveryEnvironmentBean();
        List<String> modules = new ArrayList<>();
        modules.add(FirstModule.class.getName());
        modules.addAll(recovery.getRecoveryModuleClassNames());
        modules.add(LastModule.class.getName());
        recovery.setRecoveryModuleClassNames(modules);
        recovery.setRecoveryBackoffPeriod(BACKOFF_SECONDS);
        recovery.setPeriodicRecoveryPeriod(Integer.MAX_VALUE / 1000);
        recovery.setRecoveryListener(false);
        // Branches whose node name is this one may be rolled back as orphans (none should be).
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of(AssentRecovery.NODE_ID));
        XAResource[] registered = resources.toArray(new XAResource[0]);
        XAResourceRecoveryHelper helper = new XAResourceRecoveryHelper() {
            @Override
            public boolean initialise(String properties) {
                return true;
            }

            @Override
            public XAResource[] getXAResources() {
                return registered.clone();
            }
        };

        Marks.reset();
        long start = System.nanoTime();
        ManagerUnderTest store = manager.start(logDirectory);
        RecoveryManager recoveryManager = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        try {
            xaModule(recoveryManager).addXAResourceRecoveryHelper(helper);
            recoveryManager.scan();
            long end = System.nanoTime();
            if (Marks.LAST_SECOND_PASS.get() == 0) {
                throw new IllegalStateException("the recovery scan did not run the marker modules");
            }
            long firstPass = Marks.LAST_FIRST_PASS.get() - Marks.FIRST_FIRST_PASS.get();
            long secondPass = Marks.LAST_SECOND_PASS.get() - Marks.FIRST_SECOND_PASS.get();
            return new RecoveryTimings(
                    end - start,
                    Marks.FIRST_FIRST_PASS.get() - start,
                    firstPass + secondPass,
                    Marks.FIRST_SECOND_PASS.get() - Marks.LAST_FIRST_PASS.get(),
                    -1);
        } finally {
            recoveryManager.terminate(false);
            store.close();
        }
    }

    private static XARecoveryModule xaModule(RecoveryManager recoveryManager) {
        for (RecoveryModule module : recoveryManager.getModules()) {
            if (module instanceof XARecoveryModule xa) {
                return xa;
            }
        }
        throw new IllegalStateException("Narayana's recovery manager has no XARecoveryModule");
    }

    /** When the marker modules ran, in this JVM (one recovery per JVM). */
    private static final class Marks {
        static final AtomicLong FIRST_FIRST_PASS = new AtomicLong();
        static final AtomicLong LAST_FIRST_PASS = new AtomicLong();
        static final AtomicLong FIRST_SECOND_PASS = new AtomicLong();
        static final AtomicLong LAST_SECOND_PASS = new AtomicLong();

        private Marks() {}

        static void reset() {
            List.of(FIRST_FIRST_PASS, LAST_FIRST_PASS, FIRST_SECOND_PASS, LAST_SECOND_PASS)
                    .forEach(mark -> mark.set(0));
        }
    }

    /** First in the module list: marks the start of each pass. Narayana creates it by class name. */
    public static final class FirstModule implements RecoveryModule {
        @Override
        public void periodicWorkFirstPass() {
            Marks.FIRST_FIRST_PASS.compareAndSet(0, System.nanoTime());
        }

        @Override
        public void periodicWorkSecondPass() {
            Marks.FIRST_SECOND_PASS.compareAndSet(0, System.nanoTime());
        }
    }

    /** Last in the module list: marks the end of each pass. */
    public static final class LastModule implements RecoveryModule {
        @Override
        public void periodicWorkFirstPass() {
            Marks.LAST_FIRST_PASS.compareAndSet(0, System.nanoTime());
        }

        @Override
        public void periodicWorkSecondPass() {
            Marks.LAST_SECOND_PASS.compareAndSet(0, System.nanoTime());
        }
    }
}
