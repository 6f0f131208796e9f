package dev.assent.tm.internal.threephase;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The original coordinator's normal path through one three-phase transaction, as a value: each
 * answer from a participant gives the next value, and {@link #phase} says what to send now. The
 * coordinator owns ballot 0, which no terminator ever takes, so everything it writes loses to any
 * terminator that has started.
 *
 * <ol>
 *   <li>PREPARING: write PREPARED to every register, then XA-prepare its branch; a participant
 *       votes yes only when both succeed. Any no, or a timeout, aborts. The register comes first
 *       so that a vote landing late, after a terminator aborted, meets a rolled-back branch.
 *   <li>PRE_COMMITTING: write PRECOMMITTED to every register; commit is decided the moment a
 *       quorum has taken it. A refusal means a terminator has started: the coordinator must not
 *       decide, and runs termination itself (TERMINATION_NEEDED), as it must after a timeout.
 *   <li>COMPLETING: write the final state to every register, then complete every branch.
 *   <li>DELETING: only once every register is final and every branch complete are the registers
 *       deleted, all together. A register deleted earlier could be part of the quorum a
 *       terminator reads, which would then find no trace of the commit and abort. Even then the
 *       caller deletes only registers final for longer than a retention period that outlasts any
 *       terminator's attempt: a deleted register forgets its promise, and a terminator still
 *       collecting promises at an older ballot would decide from answers gathered before the
 *       outcome was.
 * </ol>
 *
 * @param votedYes participants whose branch is prepared and whose register took PREPARED
 * @param tookProposal registers that took PRECOMMITTED
 * @param completed participants whose branch was completed as decided
 * @param finalRegisters registers that took the final state
 */
public record CoordinatorRun(
        Parties parties,
        Quorum quorum,
        Phase phase,
        Optional<Outcome> decision,
        Set<String> votedYes,
        Set<String> tookProposal,
        Set<String> completed,
        Set<String> finalRegisters) {

    public enum Phase {
        PREPARING,
        PRE_COMMITTING,
        COMPLETING,
        DELETING,
        DONE,
        /** The coordinator must not decide (or cannot finish the registers): termination does. */
        TERMINATION_NEEDED
    }

    public CoordinatorRun {
        Objects.requireNonNull(parties, "parties");
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(phase, "phase");
        votedYes = Set.copyOf(votedYes);
        tookProposal = Set.copyOf(tookProposal);
        completed = Set.copyOf(completed);
        finalRegisters = Set.copyOf(finalRegisters);
    }

    /** A transaction about to be prepared, deciding on a majority of its participants. */
    public static CoordinatorRun begin(Parties parties) {
        return new CoordinatorRun(
                parties, parties.majority(), Phase.PREPARING, Optional.empty(), Set.of(), Set.of(), Set.of(), Set.of());
    }

    /** What the coordinator writes to registers in its current phase, always at ballot 0. */
    public Register.Write write() {
        RegisterState state = switch (phase) {
            case PREPARING -> RegisterState.PREPARED;
            case PRE_COMMITTING -> RegisterState.PRECOMMITTED;
            case COMPLETING -> decision.orElseThrow().finalState();
            case DELETING, DONE, TERMINATION_NEEDED -> throw illegal("write to registers");
        };
        return new Register.Write(state, Ballot.ZERO, parties);
    }

    /** A participant's vote: yes only if its branch prepared and its register took PREPARED. */
    public CoordinatorRun voted(String participant, boolean yes) {
        requirePhase(Phase.PREPARING, "take a vote");
        if (!yes) {
            return decided(Outcome.ABORT);
        }
        Set<String> yesVotes = Sets.with(votedYes, participant);
        Phase next = yesVotes.size() == parties.size() ? Phase.PRE_COMMITTING : Phase.PREPARING;
        return new CoordinatorRun(parties, quorum, next, decision, yesVotes, tookProposal, completed, finalRegisters);
    }

    /** Some vote did not come in time: presumed no. */
    public CoordinatorRun prepareTimedOut() {
        requirePhase(Phase.PREPARING, "time out a vote");
        return decided(Outcome.ABORT);
    }

    /**
     * A register's answer to PRECOMMITTED. Taken by a quorum: commit is decided. Refused: a
     * terminator has promised a higher ballot and may be deciding from registers that do not
     * show this proposal, so deciding here could contradict it.
     */
    public CoordinatorRun proposalAnswered(String participant, boolean taken) {
        requirePhase(Phase.PRE_COMMITTING, "take a pre-commit answer");
        if (!taken) {
            return withPhase(Phase.TERMINATION_NEEDED);
        }
        Set<String> took = Sets.with(tookProposal, participant);
        if (quorum.isReachedBy(took.size())) {
            return new CoordinatorRun(
                    parties,
                    quorum,
                    Phase.COMPLETING,
                    Optional.of(Outcome.COMMIT),
                    votedYes,
                    took,
                    completed,
                    finalRegisters);
        }
        return new CoordinatorRun(parties, quorum, phase, decision, votedYes, took, completed, finalRegisters);
    }

    /** No quorum in time: the proposal may or may not stand; only termination can tell. */
    public CoordinatorRun proposalTimedOut() {
        requirePhase(Phase.PRE_COMMITTING, "time out a pre-commit");
        return withPhase(Phase.TERMINATION_NEEDED);
    }

    /**
     * A participant's branch was completed as decided; {@code registerFinal} says whether its
     * register took the final state (a register promised to a terminator refuses it, and that
     * terminator will finish it).
     */
    public CoordinatorRun completed(String participant, boolean registerFinal) {
        requirePhase(Phase.COMPLETING, "complete a branch");
        Set<String> done = Sets.with(completed, participant);
        Set<String> finals = registerFinal ? Sets.with(finalRegisters, participant) : finalRegisters;
        Phase next = phase;
        if (done.size() == parties.size()) {
            next = finals.size() == parties.size() ? Phase.DELETING : Phase.TERMINATION_NEEDED;
        }
        return new CoordinatorRun(parties, quorum, next, decision, votedYes, tookProposal, done, finals);
    }

    /** Whether the registers may go: every one final and every branch complete. */
    public boolean mayDeleteRegisters() {
        return phase == Phase.DELETING;
    }

    public CoordinatorRun registersDeleted() {
        requirePhase(Phase.DELETING, "delete registers");
        return withPhase(Phase.DONE);
    }

    private CoordinatorRun decided(Outcome outcome) {
        return new CoordinatorRun(
                parties,
                quorum,
                Phase.COMPLETING,
                Optional.of(outcome),
                votedYes,
                tookProposal,
                completed,
                finalRegisters);
    }

    private CoordinatorRun withPhase(Phase next) {
        return new CoordinatorRun(parties, quorum, next, decision, votedYes, tookProposal, completed, finalRegisters);
    }

    private void requirePhase(Phase expected, String what) {
        if (phase != expected) {
            throw illegal(what);
        }
    }

    private IllegalStateException illegal(String what) {
        return new IllegalStateException("The coordinator cannot " + what + " while " + phase + ".");
    }
}
