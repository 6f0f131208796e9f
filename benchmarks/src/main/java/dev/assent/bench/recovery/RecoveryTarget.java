package dev.assent.bench.recovery;

import dev.assent.bench.managers.Manager;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The managers whose recovery is timed, with the ids of the coordinator benchmark ({@link Manager})
 * and the same log settings.
 */
public enum RecoveryTarget {
    ASSENT_FILE(Manager.ASSENT_FILE, "start-up scan of build(): log opened and replayed, then one scan"),
    NARAYANA_JOURNAL(
            Manager.NARAYANA_JOURNAL,
            "RecoveryManager (DIRECT_MANAGEMENT), default modules, one scan(); back-off "
                    + NarayanaRecovery.BACKOFF_SECONDS + " s (the least allowed)"),
    NARAYANA_SHADOW(
            Manager.NARAYANA_SHADOW,
            "RecoveryManager (DIRECT_MANAGEMENT), default modules, one scan(); back-off "
                    + NarayanaRecovery.BACKOFF_SECONDS + " s (the least allowed)");

    private final Manager manager;
    private final String recoverySettings;

    RecoveryTarget(Manager manager, String recoverySettings) {
        this.manager = manager;
        this.recoverySettings = recoverySettings;
    }

    public String id() {
        return manager.id();
    }

    public Manager manager() {
        return manager;
    }

    /** How recovery is started and configured, for the report. */
    public String recoverySettings() {
        return recoverySettings;
    }

    public static RecoveryTarget byId(String id) {
        return Arrays.stream(values())
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no recovery benchmark for manager '" + id
                        + "' (one of "
                        + Arrays.toString(
                                Arrays.stream(values()).map(RecoveryTarget::id).toArray())
                        + ")"));
    }

    /**
     * Starts the manager the crashing process commits through, logging under {@code logDirectory}.
     * It is never closed: the process halts.
     */
    TransactionManager startForCrash(Path logDirectory) throws Exception {
        return switch (this) {
            case ASSENT_FILE -> AssentRecovery.startForCrash(logDirectory);
            case NARAYANA_JOURNAL, NARAYANA_SHADOW ->
                NarayanaRecovery.startForCrash(manager, logDirectory).transactionManager();
        };
    }

    /** Recovers the crashed run's log with these resources registered, timing it. */
    RecoveryTimings recover(Path logDirectory, List<StoreXAResource> resources) throws Exception {
        return switch (this) {
            case ASSENT_FILE -> AssentRecovery.recover(logDirectory, resources);
            case NARAYANA_JOURNAL, NARAYANA_SHADOW -> NarayanaRecovery.recover(manager, logDirectory, resources);
        };
    }
}
