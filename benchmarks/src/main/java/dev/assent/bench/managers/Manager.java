package dev.assent.bench.managers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The managers compared, each with the id used in JMH's {@code manager} parameter and in results.
 *
 * <p>Narayana and Atomikos keep their configuration in JVM-wide singletons, so only one of these
 * may be started per JVM: JMH runs every manager in its own fork, the smoke tests every manager in
 * its own test JVM.
 */
public enum Manager {
    ASSENT_FILE(
            "assent-file",
            false,
            "Assent, file log (group commit)",
            "Assent.configure().nodeId(..).logDirectory(..): the file log's defaults (one writer thread, group"
                    + " commit); resources enlisted as NamedXAResource"),
    ASSENT_MEMORY(
            "assent-memory",
            false,
            "Assent, in-memory log (no fsync: the CPU ceiling)",
            ".inMemoryLog(): decisions are kept in memory, nothing is written"),
    NARAYANA_SHADOW(
            "narayana-shadow",
            true,
            "Narayana 7.3.4, default ShadowNoFileLockStore",
            "defaults but for the store directory: ShadowNoFileLockStore, a file written and synced per"
                    + " transaction"),
    NARAYANA_JOURNAL(
            "narayana-journal",
            true,
            "Narayana 7.3.4, journal store (Artemis NIO journal)",
            "HornetqObjectStoreAdaptor over artemis-journal 2.44.0: syncWrites on, syncDeletes off, "
                    + "10,000 buffer flushes/s, NIO (asyncIO off: no libaio here)"),
    ATOMIKOS(
            "atomikos",
            true,
            "Atomikos 6.0.0, file log",
            "enable_logging on, log_base_dir in the run's directory, max_actives 100,000, other settings"
                    + " default; both resource managers registered (XATransactionalResource)"),
    GERONIMO_HOWL(
            "geronimo-howl",
            true,
            "Geronimo 4.0.0, HOWL log",
            "HOWLLog (howl 1.0.1-1) with Apache Aries' defaults: BlockLogBuffer of 32 KiB, flushSleepTime"
                    + " 50 ms, 2 files, 4 buffers; resources wrapped in WrapperNamedXAResource");

    private final String id;
    private final boolean peer;
    private final String description;
    private final String settings;

    Manager(String id, boolean peer, String description, String settings) {
        this.id = id;
        this.peer = peer;
        this.description = description;
        this.settings = settings;
    }

    public String id() {
        return id;
    }

    /** True for the managers Assent is compared against ("the best peer" in the report). */
    public boolean peer() {
        return peer;
    }

    public String description() {
        return description;
    }

    /** How the benchmark configures this manager, for the report. */
    public String settings() {
        return settings;
    }

    public static Optional<Manager> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    /**
     * Starts this manager with its log under {@code logDirectory}, which must exist and be empty.
     *
     * @throws Exception whatever the manager throws while starting (a missing log, a bad setting)
     */
    public ManagerUnderTest start(Path logDirectory) throws Exception {
        return switch (this) {
            case ASSENT_FILE -> AssentManager.fileLog(id, logDirectory);
            case ASSENT_MEMORY -> AssentManager.inMemoryLog(id);
            case NARAYANA_SHADOW -> NarayanaManager.shadowStore(id, logDirectory);
            case NARAYANA_JOURNAL -> NarayanaManager.journalStore(id, logDirectory);
            case ATOMIKOS -> AtomikosManager.start(id, logDirectory);
            case GERONIMO_HOWL -> GeronimoManager.start(id, logDirectory);
        };
    }
}
