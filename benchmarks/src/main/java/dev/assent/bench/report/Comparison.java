package dev.assent.bench.report;

import dev.assent.bench.managers.Manager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The coordinator results arranged for the report: managers in a fixed order (Assent first, then
 * the peers as {@link Manager} lists them), thread counts ascending, and each result's ratio to the
 * best peer at the same thread count.
 */
public final class Comparison {
    private final List<String> managers;
    private final List<Integer> threadCounts;
    private final Map<String, Map<Integer, Measurement>> byManager;
    private final List<Measurement> fsync;

    public Comparison(List<Measurement> measurements) {
        Map<String, Map<Integer, Measurement>> table = new LinkedHashMap<>();
        TreeSet<Integer> threads = new TreeSet<>();
        List<Measurement> limits = new ArrayList<>();
        for (Measurement m : measurements) {
            if (m.benchmark().equals(Measurement.FSYNC)) {
                limits.add(m);
            } else {
                table.computeIfAbsent(m.series(), k -> new LinkedHashMap<>()).put(m.threads(), m);
                threads.add(m.threads());
            }
        }
        List<String> order = new ArrayList<>(table.keySet());
        order.sort(Comparator.comparingInt(Comparison::rank).thenComparing(Comparator.naturalOrder()));
        this.managers = List.copyOf(order);
        this.threadCounts = List.copyOf(threads);
        this.byManager = table;
        this.fsync = List.copyOf(limits);
    }

    private static int rank(String manager) {
        return Manager.byId(manager).map(Enum::ordinal).orElse(Integer.MAX_VALUE);
    }

    /** True for the managers Assent is compared against; unknown ids count as peers. */
    public static boolean isPeer(String manager) {
        return Manager.byId(manager).map(Manager::peer).orElse(true);
    }

    /** Managers with at least one result, in report order. */
    public List<String> managers() {
        return managers;
    }

    /** The managers {@link Manager} knows that have no result at all (failed or not run). */
    public List<Manager> missing() {
        List<Manager> missing = new ArrayList<>();
        for (Manager m : Manager.values()) {
            if (!byManager.containsKey(m.id())) {
                missing.add(m);
            }
        }
        return missing;
    }

    public List<Integer> threadCounts() {
        return threadCounts;
    }

    public Optional<Measurement> result(String manager, int threads) {
        return Optional.ofNullable(byManager.getOrDefault(manager, Map.of()).get(threads));
    }

    /** The peer with the highest median at this thread count, if any peer has a result there. */
    public Optional<Measurement> bestPeer(int threads) {
        return managers.stream()
                .filter(Comparison::isPeer)
                .map(m -> result(m, threads))
                .flatMap(Optional::stream)
                .max(Comparator.comparingDouble(Measurement::median));
    }

    /** This result's median divided by the best peer's at the same thread count. */
    public OptionalDouble ratioToBestPeer(Measurement m) {
        return bestPeer(m.threads())
                .filter(best -> best.median() > 0)
                .map(best -> OptionalDouble.of(m.median() / best.median()))
                .orElse(OptionalDouble.empty());
    }

    /** The fsync results (physical limit), in file order. */
    public List<Measurement> fsync() {
        return fsync;
    }

    public Optional<Measurement> fsync(String file) {
        return fsync.stream().filter(m -> m.series().equals(file)).findFirst();
    }
}
