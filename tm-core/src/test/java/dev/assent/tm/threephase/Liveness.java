package dev.assent.tm.threephase;

import dev.assent.tm.internal.threephase.TerminatorRun;
import dev.assent.tm.threephase.ThreePhaseModel.Branch;
import dev.assent.tm.threephase.ThreePhaseModel.Request;
import dev.assent.tm.threephase.ThreePhaseModel.Terminator;
import dev.assent.tm.threephase.ThreePhaseModel.World;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bounded liveness check. In every reachable state, each terminator (running or yet to start)
 * that reaches a quorum of registers, or all of them, must be able to leave no branch it reaches
 * in doubt on its own: with the coordinator and the other terminator stopped for good (crashed,
 * or partitioned away), the participants it does not reach cut off, and nothing it sends lost.
 * One deterministic solo run per terminator and reach answers it; solo runs are not held to the
 * search's ballot bound (that bound limits the search, not the protocol).
 */
final class Liveness {
    /** Far more steps than a solo run needs: a few ballots, four phases, three participants. */
    private static final int SOLO_STEP_LIMIT = 200;

    private record SoloRun(World world, int terminator) {}

    private final ThreePhaseModel model;
    private final List<Set<Integer>> reaches;
    /** Solo runs from different states soon meet: each state's answer is remembered. */
    private final Map<SoloRun, Boolean> finishes = new HashMap<>();

    Liveness(ThreePhaseModel model) {
        this.model = model;
        this.reaches = reachesOfAQuorumOrMore(
                model.everyone(), model.parties().majority().size());
    }

    Optional<String> violation(World world) {
        for (int k = 0; k < world.terminators().size(); k++) {
            Terminator terminator = world.terminators().get(k);
            for (Set<Integer> reach : reaches) {
                World cutOff = terminator.run().isEmpty()
                        ? model.start(world, k, reach)
                        : model.withTerminator(
                                world,
                                k,
                                new Terminator(terminator.run(), terminator.asked(), terminator.ballotsTaken(), reach));
                if (!finishesAlone(cutOff, k)) {
                    return Optional.of(ThreePhaseModel.actor(k + 1) + ", reaching only " + names(reach)
                            + ", cannot finish on its own");
                }
            }
        }
        return Optional.empty();
    }

    private boolean finishesAlone(World world, int k) {
        List<SoloRun> path = new ArrayList<>();
        boolean finished = false;
        for (int step = 0; step < SOLO_STEP_LIMIT; step++) {
            SoloRun here = new SoloRun(world, k);
            Boolean known = finishes.get(here);
            if (known != null) {
                finished = known;
                break;
            }
            path.add(here);
            if (noneInDoubt(world, k)) {
                finished = true;
                break;
            }
            world = next(world, k);
            if (world == null) {
                break;
            }
        }
        for (SoloRun visited : path) {
            finishes.put(visited, finished);
        }
        return finished;
    }

    private static boolean noneInDoubt(World world, int k) {
        for (int i : world.terminators().get(k).reach()) {
            if (world.branches().get(i) == Branch.PREPARED) {
                return false;
            }
        }
        return true;
    }

    /** The terminator's next move in a run where nothing is lost, or null if it has none. */
    private World next(World world, int k) {
        Terminator terminator = world.terminators().get(k);
        TerminatorRun run = terminator.run().orElseThrow();
        TerminatorRun.Phase phase = run.phase();
        if (phase == TerminatorRun.Phase.NOTHING_TO_DO
                || phase == TerminatorRun.Phase.DONE
                || phase == TerminatorRun.Phase.OUTBID) {
            return model.retry(world, k);
        }
        List<Request> due = model.dueRequests(world, k);
        if (!due.isEmpty()) {
            return model.sendAnswered(world, due.get(0));
        }
        if (phase == TerminatorRun.Phase.PROMISING || phase == TerminatorRun.Phase.PROPOSING) {
            return model.withTerminatorRun(world, k, run.timedOut());
        }
        return null;
    }

    private static List<Set<Integer>> reachesOfAQuorumOrMore(Set<Integer> everyone, int quorum) {
        List<Set<Integer>> reaches = new ArrayList<>();
        int n = everyone.size();
        for (int mask = 0; mask < (1 << n); mask++) {
            Set<Integer> reach = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    reach.add(i);
                }
            }
            if (reach.size() >= quorum) {
                reaches.add(Set.copyOf(reach));
            }
        }
        return reaches;
    }

    private static String names(Set<Integer> reach) {
        return reach.stream().sorted().map(ThreePhaseModel::name).toList().toString();
    }
}
