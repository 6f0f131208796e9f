package dev.assent.bench.recovery;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Assent's side of the recovery benchmark: its file log, its start-up scan. */
final class AssentRecovery {
    /** The node id of the crashed run and of the recovering one (a log belongs to one node). */
    static final String NODE_ID = "bench";

    private AssentRecovery() {}

    /** The manager the crashing process commits through: the file log, no background scans. */
    static AssentTransactionManager startForCrash(Path logDirectory) {
        return Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .build();
    }

    /**
     * Builds a manager over the crashed run's log with both resources registered, which opens the
     * log, replays it and runs the start-up scan before {@code build()} returns; then closes it.
     * The first call of a resource supplier marks the end of log open and replay (the scan asks
     * the suppliers first); the {@code recovered} callback marks the end of the scan.
     */
    static RecoveryTimings recover(Path logDirectory, List<StoreXAResource> resources) {
        AtomicLong scanStart = new AtomicLong();
        AtomicLong scanEnd = new AtomicLong();
        AtomicReference<RecoveryReport> firstScan = new AtomicReference<>();
        TransactionListener listener = new TransactionListener() {
            @Override
            public void recovered(RecoveryReport report) {
                if (firstScan.compareAndSet(null, report)) {
                    scanEnd.set(System.nanoTime());
                }
            }
        };
        long start = System.nanoTime();
        Assent.Builder builder = Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .listener(listener);
        for (StoreXAResource resource : resources) {
            builder.recoveryResource(resource.resourceManagerName(), () -> {
                scanStart.compareAndSet(0, System.nanoTime());
                return resource;
            });
        }
        AssentTransactionManager tm = builder.build();
        long end = System.nanoTime();
        try {
            RecoveryReport report = firstScan.get();
            if (report == null || scanStart.get() == 0) {
                throw new IllegalStateException("build() returned without a start-up scan");
            }
            if (!report.isComplete()) {
                throw new IllegalStateException("the start-up scan left work: " + report);
            }
            return new RecoveryTimings(
                    end - start,
                    scanStart.get() - start,
                    scanEnd.get() - scanStart.get(),
                    0,
                    report.committed().size());
        } finally {
            tm.close();
        }
    }
}
