package dev.assent.tm.threephase;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Breadth-first search of every state a model can reach, each state visited once (states are
 * records, so equal states are one). Breadth-first means the first violation found has a shortest
 * trace, which is the one worth reading.
 */
final class ModelChecker {

    /** A system as states and steps. */
    interface Model<S> {
        S initial();

        /** Every step enabled in {@code state}, each given to {@code steps} with what it did. */
        void forEachStep(S state, Steps<S> steps);

        /** What is wrong with {@code state}, if anything. */
        Optional<String> violation(S state);
    }

    interface Steps<S> {
        /** {@code what} is rendered with toString only when a trace is printed. */
        void step(Object what, S next);
    }

    /** A violation and the shortest way to it from the initial state. */
    record Counterexample<S>(String violation, List<String> steps, S state) {
        String render() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < steps.size(); i++) {
                text.append(String.format("%2d. %s%n", i + 1, steps.get(i)));
            }
            return text.append("    => ")
                    .append(violation)
                    .append(System.lineSeparator())
                    .toString();
        }
    }

    record Result<S>(
            long statesExplored, long stepsTaken, Duration elapsed, Optional<Counterexample<S>> counterexample) {
        String summary() {
            return String.format(
                    "%,d states, %,d steps, %.1f s", statesExplored, stepsTaken, elapsed.toMillis() / 1000.0);
        }
    }

    private record Arrival<S>(S previous, Object what) {}

    private ModelChecker() {}

    /** Explores until every reachable state is checked or a violation is found. */
    static <S> Result<S> explore(Model<S> model) {
        long start = System.nanoTime();
        Map<S, Arrival<S>> seen = new HashMap<>();
        ArrayDeque<S> frontier = new ArrayDeque<>();
        S initial = model.initial();
        seen.put(initial, new Arrival<>(null, null));
        frontier.add(initial);
        long[] stepsTaken = {0};
        while (!frontier.isEmpty()) {
            S state = frontier.poll();
            Optional<String> violation = model.violation(state);
            if (violation.isPresent()) {
                Counterexample<S> counterexample = new Counterexample<>(violation.get(), traceTo(state, seen), state);
                return new Result<>(seen.size(), stepsTaken[0], elapsedSince(start), Optional.of(counterexample));
            }
            model.forEachStep(state, (what, next) -> {
                stepsTaken[0]++;
                if (!seen.containsKey(next)) {
                    seen.put(next, new Arrival<>(state, what));
                    frontier.add(next);
                }
            });
        }
        return new Result<>(seen.size(), stepsTaken[0], elapsedSince(start), Optional.empty());
    }

    private static <S> List<String> traceTo(S state, Map<S, Arrival<S>> seen) {
        List<String> steps = new ArrayList<>();
        for (Arrival<S> arrival = seen.get(state); arrival.previous() != null; arrival = seen.get(arrival.previous())) {
            steps.add(String.valueOf(arrival.what()));
        }
        Collections.reverse(steps);
        return steps;
    }

    private static Duration elapsedSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
