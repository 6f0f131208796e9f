package dev.assent.tm.threephase;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Classic three-phase commit, as a model only (it is not, and must not become, production code):
 * a participant that times out PRECOMMITTED commits and one that times out uncertain aborts,
 * after asking whichever other participants it can still reach (any of them pre-committed or
 * committed: commit; otherwise abort). That is safe while a timeout means a crash; the checker
 * shows what a partition does to it, which is why Assent decides by quorums instead
 * (docs/protocols.md §5).
 *
 * <p>The coordinator asks each participant in turn, and after a missing answer goes on as classic
 * 3PC does: a missing vote aborts, a missing pre-commit acknowledgement is taken for a crashed
 * participant, which will learn the outcome when it comes back. A partition, once, cuts some
 * participants off from the coordinator and from the others; the coordinator may crash.
 */
final class ClassicThreePhaseModel implements ModelChecker.Model<ClassicThreePhaseModel.World> {

    enum Participant {
        WORKING,
        UNCERTAIN,
        PRECOMMITTED,
        COMMITTED,
        ABORTED
    }

    enum Phase {
        PREPARING,
        PRE_COMMITTING,
        COMMITTING,
        ABORTING,
        DONE
    }

    /** {@code cutOff}: the participants a partition separated from the coordinator and the rest. */
    record World(
            List<Participant> participants,
            Phase phase,
            Set<Integer> asked,
            Set<Integer> votedYes,
            boolean coordinatorUp,
            Set<Integer> cutOff) {}

    private final int size;

    ClassicThreePhaseModel(int participants) {
        this.size = participants;
    }

    @Override
    public World initial() {
        List<Participant> participants = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            participants.add(Participant.WORKING);
        }
        return new World(List.copyOf(participants), Phase.PREPARING, Set.of(), Set.of(), true, Set.of());
    }

    @Override
    public void forEachStep(World world, ModelChecker.Steps<World> steps) {
        if (world.coordinatorUp() && world.phase() != Phase.DONE) {
            coordinatorSteps(world, steps);
            steps.step(
                    new ThreePhaseModel.Text("coordinator crashes"),
                    new World(
                            world.participants(),
                            world.phase(),
                            world.asked(),
                            world.votedYes(),
                            false,
                            world.cutOff()));
        }
        if (world.cutOff().isEmpty()) {
            for (int mask = 1; mask < (1 << size) - 1; mask++) {
                Set<Integer> cut = new HashSet<>();
                for (int i = 0; i < size; i++) {
                    if ((mask & (1 << i)) != 0) {
                        cut.add(i);
                    }
                }
                steps.step(
                        new ThreePhaseModel.Text(
                                "a partition cuts %s off from the coordinator and the others", names(cut)),
                        new World(
                                world.participants(),
                                world.phase(),
                                world.asked(),
                                world.votedYes(),
                                world.coordinatorUp(),
                                Set.copyOf(cut)));
            }
        }
        for (int i = 0; i < size; i++) {
            Participant state = world.participants().get(i);
            boolean waiting = state == Participant.UNCERTAIN || state == Participant.PRECOMMITTED;
            boolean coordinatorSilent = !world.coordinatorUp() || world.cutOff().contains(i);
            if (waiting && coordinatorSilent) {
                timeOut(world, i, steps);
            }
        }
    }

    private void coordinatorSteps(World world, ModelChecker.Steps<World> steps) {
        for (int i = 0; i < size; i++) {
            if (world.asked().contains(i)) {
                continue;
            }
            boolean reached = !world.cutOff().contains(i);
            Set<Integer> asked = plus(world.asked(), i);
            List<Participant> participants = new ArrayList<>(world.participants());
            Set<Integer> yes = world.votedYes();
            Participant state = participants.get(i);
            switch (world.phase()) {
                case PREPARING -> {
                    if (reached && state == Participant.WORKING) {
                        participants.set(i, Participant.UNCERTAIN);
                        yes = plus(yes, i);
                    }
                }
                case PRE_COMMITTING -> {
                    if (reached && state == Participant.UNCERTAIN) {
                        participants.set(i, Participant.PRECOMMITTED);
                    }
                }
                case COMMITTING -> {
                    if (reached && (state == Participant.PRECOMMITTED || state == Participant.UNCERTAIN)) {
                        participants.set(i, Participant.COMMITTED);
                    }
                }
                case ABORTING -> {
                    if (reached && state != Participant.COMMITTED) {
                        participants.set(i, Participant.ABORTED);
                    }
                }
                case DONE -> throw new AssertionError(world.phase());
            }
            World next = new World(List.copyOf(participants), world.phase(), asked, yes, true, world.cutOff());
            steps.step(
                    new ThreePhaseModel.Text(
                            "coordinator sends %s to %s%s",
                            request(world.phase()), name(i), reached ? "" : " (it does not arrive)"),
                    advance(next));
        }
    }

    /** Once every participant was asked, the coordinator moves on: classic 3PC waits for no one. */
    private World advance(World world) {
        if (world.asked().size() < size) {
            return world;
        }
        Phase next = switch (world.phase()) {
            case PREPARING -> world.votedYes().size() == size ? Phase.PRE_COMMITTING : Phase.ABORTING;
            case PRE_COMMITTING -> Phase.COMMITTING;
            case COMMITTING, ABORTING -> Phase.DONE;
            case DONE -> throw new AssertionError(world.phase());
        };
        return new World(world.participants(), next, Set.of(), world.votedYes(), true, world.cutOff());
    }

    /** Classic termination among the participants {@code i} can still reach. */
    private void timeOut(World world, int i, ModelChecker.Steps<World> steps) {
        Set<Integer> side = new HashSet<>();
        for (int j = 0; j < size; j++) {
            if (world.cutOff().contains(j) == world.cutOff().contains(i)) {
                side.add(j);
            }
        }
        boolean anyCommitting = side.stream()
                .map(world.participants()::get)
                .anyMatch(p -> p == Participant.PRECOMMITTED || p == Participant.COMMITTED);
        Participant outcome = anyCommitting ? Participant.COMMITTED : Participant.ABORTED;
        List<Participant> participants = new ArrayList<>(world.participants());
        for (int j : side) {
            Participant state = participants.get(j);
            if (state != Participant.COMMITTED && state != Participant.ABORTED) {
                participants.set(j, outcome);
            }
        }
        steps.step(
                new ThreePhaseModel.Text(
                        "%s times out %s; among %s it decides %s",
                        name(i), world.participants().get(i), names(side), outcome),
                new World(
                        List.copyOf(participants),
                        world.phase(),
                        world.asked(),
                        world.votedYes(),
                        world.coordinatorUp(),
                        world.cutOff()));
    }

    @Override
    public Optional<String> violation(World world) {
        if (world.participants().contains(Participant.COMMITTED)
                && world.participants().contains(Participant.ABORTED)) {
            return Optional.of("participants ended differently: " + world.participants());
        }
        return Optional.empty();
    }

    private static String request(Phase phase) {
        return switch (phase) {
            case PREPARING -> "prepare";
            case PRE_COMMITTING -> "pre-commit";
            case COMMITTING -> "commit";
            case ABORTING -> "abort";
            case DONE -> throw new AssertionError(phase);
        };
    }

    private static Set<Integer> plus(Set<Integer> set, int element) {
        Set<Integer> grown = new HashSet<>(set);
        grown.add(element);
        return Set.copyOf(grown);
    }

    private static String name(int participant) {
        return ThreePhaseModel.name(participant);
    }

    private static String names(Set<Integer> participants) {
        return participants.stream()
                .sorted()
                .map(ThreePhaseModel::name)
                .toList()
                .toString();
    }
}
