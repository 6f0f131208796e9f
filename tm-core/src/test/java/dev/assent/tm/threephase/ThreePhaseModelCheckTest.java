package dev.assent.tm.threephase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.internal.threephase.Ballot;
import dev.assent.tm.internal.threephase.CoordinatorRun;
import dev.assent.tm.internal.threephase.Parties;
import dev.assent.tm.internal.threephase.Quorum;
import dev.assent.tm.internal.threephase.Register;
import dev.assent.tm.internal.threephase.RegisterState;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The exhaustive model check of three-phase commit (docs/protocols.md §5): every interleaving of
 * the coordinator's and the terminators' steps, each actor stopping for good at any step (a crash),
 * requests lost, held up or half carried out, and replies lost, for 2 and 3 participants. In every
 * reachable state, branches never end differently, commit and abort are never both decided, and
 * each terminator that reaches a quorum can finish on its own (class {@link Liveness}).
 *
 * <p>Bounds, so that a run takes seconds: each terminator takes at most {@code ballots} ballots
 * and the network commits at most {@code faults} faults (a lost request or reply, a held-up
 * coordinator write, a half-done completion) per run; crashes and partitions cost nothing, being
 * actors that stop and requests never delivered. Two participants run with two terminators and
 * one fault; three participants with one terminator that may start again (two ballots) and one
 * fault. Three participants with two terminators (about a million states, a minute) run with
 * {@code -Dassent.threephase.thorough=true}; {@code -Dassent.threephase.ballots=N} and {@code
 * -Dassent.threephase.faults=N} raise the bounds of every run (two of each take many minutes and
 * gigabytes).
 */
class ThreePhaseModelCheckTest {

    private static final int BALLOTS = Integer.getInteger("assent.threephase.ballots", 0);
    private static final int FAULTS = Integer.getInteger("assent.threephase.faults", -1);

    @Test
    void twoParticipantsWithTwoTerminatorsNeverEndDifferentlyAndAlwaysFinishWithAQuorum() {
        // Participants: p1, p2 (quorum 2). Actors: coordinator, t1, t2, one ballot each.
        // Faults: any crash, at most one network fault. Expected: no violation, liveness included.
        assertHolds(bounds(2, 2, 1, 1));
    }

    @Test
    @EnabledIfSystemProperty(named = "assent.threephase.thorough", matches = "true")
    void threeParticipantsWithTwoTerminatorsNeverEndDifferentlyAndAlwaysFinishWithAQuorum() {
        // Participants: p1, p2, p3 (quorum 2). Actors: coordinator, t1, t2, one ballot each.
        // Faults: any crash, no network fault. Expected: no violation, liveness included (about a
        // million states and a minute, which is why it runs on request only).
        assertHolds(new ThreePhaseModel.Bounds(3, 2, Math.max(1, BALLOTS), Math.max(0, FAULTS), true));
    }

    @Test
    void threeParticipantsWithATerminatorStartingAgainNeverEndDifferentlyAndAlwaysFinishWithAQuorum() {
        // Participants: p1, p2, p3 (quorum 2). Actors: coordinator, t1 with two ballots.
        // Faults: any crash, at most one network fault. Expected: no violation, liveness included.
        assertHolds(bounds(3, 1, 2, 1));
    }

    @Test
    void readingAnAbsentRegisterAsANoVoteIsCaught() {
        // Mutation: a terminator takes a register that does not exist for a participant that voted no.
        // Expected: after the registers of a committed transaction are partly deleted, it aborts.
        assertCaught(new ThreePhaseModel.Rules() {
            @Override
            Register.Promise read(Register.Promise promise) {
                return promise.registerExisted()
                        ? promise
                        : new Register.Promise(RegisterState.ABORTED, Ballot.ZERO, false);
            }
        });
    }

    @Test
    void deletingRegistersOneAtATimeIsCaught() {
        // Mutation: the coordinator deletes each register once its own participant is finished.
        // Expected: a terminator reading the deleted register and an uncertain one aborts a commit.
        assertCaught(new ThreePhaseModel.Rules() {
            @Override
            boolean deletesEachRegisterOnceFinished() {
                return true;
            }
        });
    }

    @Test
    void forgettingAPromiseOnAnAbsentRegisterIsCaught() {
        // Mutation: a promise asked of a register that does not exist is answered but not stored.
        // Expected: the coordinator's late ballot-0 writes are taken and it commits what a terminator aborts.
        assertCaught(new ThreePhaseModel.Rules() {
            @Override
            boolean remembersPromiseOnAbsentRegister() {
                return false;
            }
        });
    }

    @Test
    void decidingCommitOnFewerThanAQuorumIsCaught() {
        // Mutation: the coordinator decides commit as soon as one register took PRECOMMITTED.
        // Expected: a terminator reading the other registers aborts.
        assertCaught(new ThreePhaseModel.Rules() {
            @Override
            CoordinatorRun beginCoordinator(Parties parties) {
                CoordinatorRun run = CoordinatorRun.begin(parties);
                return new CoordinatorRun(
                        parties, new Quorum(1), run.phase(), Optional.empty(), Set.of(), Set.of(), Set.of(), Set.of());
            }
        });
    }

    @Test
    void classicThreePhaseCommitEndsDifferentlyUnderAPartition() {
        // Model: classic 3PC, 2 participants. Fault: a partition, and the coordinator's crash.
        // Expected: the checker finds one side committing and the other aborting (docs/protocols.md §5).
        ModelChecker.Result<ClassicThreePhaseModel.World> result = ModelChecker.explore(new ClassicThreePhaseModel(2));
        assertThat(result.counterexample()).isPresent();
        System.out.println("Classic 3PC, shortest counterexample (" + result.summary() + "):");
        System.out.println(result.counterexample().get().render());
        assertThat(result.counterexample().get().violation()).startsWith("participants ended differently");
        assertThat(result.counterexample().get().steps()).anyMatch(step -> step.contains("partition"));
    }

    private static ThreePhaseModel.Bounds bounds(int participants, int terminators, int ballots, int faults) {
        return new ThreePhaseModel.Bounds(
                participants, terminators, Math.max(ballots, BALLOTS), Math.max(faults, FAULTS), true);
    }

    private static void assertHolds(ThreePhaseModel.Bounds bounds) {
        ModelChecker.Result<ThreePhaseModel.World> result =
                ModelChecker.explore(new ThreePhaseModel(bounds, new ThreePhaseModel.Rules()));
        System.out.println(bounds + ": " + result.summary());
        result.counterexample().ifPresent(counterexample -> System.out.println(counterexample.render()));
        assertThat(result.counterexample().map(ModelChecker.Counterexample::render))
                .isEmpty();
        assertThat(result.statesExplored()).isGreaterThan(1000);
    }

    /** A mutated rule must produce a safety violation within small bounds, on 2 or on 3 participants. */
    private static void assertCaught(ThreePhaseModel.Rules mutated) {
        for (int participants = 2; participants <= 3; participants++) {
            ThreePhaseModel.Bounds bounds = new ThreePhaseModel.Bounds(participants, 1, 1, 1, false);
            ModelChecker.Result<ThreePhaseModel.World> result =
                    ModelChecker.explore(new ThreePhaseModel(bounds, mutated));
            if (result.counterexample().isPresent()) {
                System.out.println(bounds + ", mutated: " + result.summary());
                System.out.println(result.counterexample().get().render());
                return;
            }
        }
        throw new AssertionError("The checker found no violation of the mutated rule.");
    }
}
