package dev.assent.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One timed recovery (one crash, one fresh JVM recovering it), or the median of several.
 *
 * @param manager the manager id ({@code assent-file}, {@code narayana-journal}, ...)
 * @param resourceCommit whether the resources forced each commit ({@code forced}) or only wrote it
 *     ({@code written})
 * @param transactions in-doubt transactions the crash left, two branches each
 * @param run the repeat, from 1, or {@link #MEDIAN}
 * @param totalMs from the first call into the manager until every branch was committed
 * @param openMs log open and replay (see RecoveryTimings)
 * @param scanMs the scan's own work
 * @param waitMs deliberate waits inside the scan (Narayana's back-off between passes)
 */
public record RecoveryMeasurement(
        String manager,
        String resourceCommit,
        int transactions,
        String run,
        double totalMs,
        double openMs,
        double scanMs,
        double waitMs) {
    public static final String MEDIAN = "median";

    public long branches() {
        return 2L * transactions;
    }

    /** Branches committed per second of the whole recovery. */
    public double branchesPerSecond() {
        return totalMs > 0 ? branches() / (totalMs / 1000) : Double.NaN;
    }

    public boolean isMedian() {
        return MEDIAN.equals(run);
    }

    /**
     * The runs followed, for each manager and commit mode (in first-seen order), by the median
     * run: the one with the median total (the lower middle of an even count), so that its parts
     * add up as measured.
     */
    public static List<RecoveryMeasurement> withMedians(List<RecoveryMeasurement> runs) {
        Map<String, List<RecoveryMeasurement>> groups = new LinkedHashMap<>();
        for (RecoveryMeasurement m : runs) {
            if (!m.isMedian()) {
                groups.computeIfAbsent(m.manager() + "\n" + m.resourceCommit(), k -> new ArrayList<>())
                        .add(m);
            }
        }
        List<RecoveryMeasurement> all = new ArrayList<>();
        for (List<RecoveryMeasurement> group : groups.values()) {
            all.addAll(group);
            List<RecoveryMeasurement> sorted = new ArrayList<>(group);
            sorted.sort(Comparator.comparingDouble(RecoveryMeasurement::totalMs));
            RecoveryMeasurement middle = sorted.get((sorted.size() - 1) / 2);
            all.add(new RecoveryMeasurement(
                    middle.manager(),
                    middle.resourceCommit(),
                    middle.transactions(),
                    MEDIAN,
                    middle.totalMs(),
                    middle.openMs(),
                    middle.scanMs(),
                    middle.waitMs()));
        }
        return all;
    }
}
