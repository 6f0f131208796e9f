package dev.assent.bench.recovery;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The recovering process (a fresh JVM, started by {@link RecoveryTimeBenchmark} after {@link
 * CrashingRun} halted): opens the two stores (the databases are already running when the
 * transaction manager restarts, so this is not timed), checks that the crash left N prepared
 * branches in each, times the manager's recovery, then checks that every branch is committed and
 * none is prepared, and writes what it measured to a result file.
 *
 * <p>Arguments: manager id, work directory, N, resource commit mode ({@code forced} or {@code
 * written}), result file.
 */
public final class RecoveringRun {
    private RecoveringRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: RecoveringRun MANAGER WORK_DIR TRANSACTIONS RESOURCE_COMMIT RESULT_FILE");
        }
        RecoveryTarget target = RecoveryTarget.byId(args[0]);
        Path work = Path.of(args[1]);
        int transactions = Integer.parseInt(args[2]);
        ResourceCommit commitMode = ResourceCommit.byId(args[3]);
        Path resultFile = Path.of(args[4]);

        List<BranchStore> stores = new ArrayList<>();
        List<StoreXAResource> resources = new ArrayList<>();
        try {
            for (String name : WorkDirectory.RESOURCE_MANAGERS) {
                BranchStore store = BranchStore.open(WorkDirectory.store(work, name), commitMode);
                stores.add(store);
                resources.add(new StoreXAResource(name, store, StoreXAResource.PhaseTwoGate.OPEN));
                if (store.prepared().size() != transactions || store.committedCount() != 0) {
                    throw new IllegalStateException(
                            name + " holds " + store.prepared().size() + " prepared and "
                                    + store.committedCount() + " committed branches after the crash; expected "
                                    + transactions + " prepared and none committed");
                }
            }

            RecoveryTimings timings = target.recover(WorkDirectory.log(work), resources);

            Properties result = new Properties();
            result.setProperty("total_ns", Long.toString(timings.totalNanos()));
            result.setProperty("open_ns", Long.toString(timings.openNanos()));
            result.setProperty("scan_ns", Long.toString(timings.scanNanos()));
            result.setProperty("wait_ns", Long.toString(timings.waitNanos()));
            result.setProperty("committed_by_scan", Long.toString(timings.committedByScan()));
            long prepared = 0;
            long committed = 0;
            long commitForces = 0;
            for (int i = 0; i < stores.size(); i++) {
                prepared += stores.get(i).prepared().size();
                committed += stores.get(i).committedCount();
                commitForces += stores.get(i).forces();
                result.setProperty(
                        "unknown_commits." + resources.get(i).resourceManagerName(),
                        Long.toString(resources.get(i).unknownCommits()));
                result.setProperty(
                        "rollbacks." + resources.get(i).resourceManagerName(),
                        Long.toString(resources.get(i).rollbacks()));
            }
            result.setProperty("prepared_after", Long.toString(prepared));
            result.setProperty("committed_after", Long.toString(committed));
            result.setProperty("resource_forces", Long.toString(commitForces));
            write(result, resultFile);
            long branches = (long) transactions * stores.size();
            if (prepared != 0 || committed != branches) {
                throw new IllegalStateException("after recovery: " + prepared + " branches still prepared, " + committed
                        + " committed; expected none prepared and " + branches + " committed");
            }
        } finally {
            for (BranchStore store : stores) {
                store.close();
            }
        }
    }

    private static void write(Properties result, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            result.store(out, "recovery timings (RecoveringRun)");
        }
    }
}
