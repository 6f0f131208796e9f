package dev.assent.tm.internal.threephase;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One attempt by a node other than the coordinator (or by the coordinator after a refusal) to
 * finish a three-phase transaction, as a value: each register's answer gives the next value.
 *
 * <ol>
 *   <li>PROMISING: ask every register to promise {@link #ballot}; decide through {@link
 *       Termination#decide} once all have answered, or at a timeout if a quorum has. Without a
 *       quorum the run blocks (the caller retries later, visibly) rather than guess.
 *   <li>PROPOSING: write the chosen proposal at the ballot; once a quorum has taken it, the
 *       outcome is decided.
 *   <li>COMPLETING: write the final state to every register, complete every branch.
 *   <li>DELETING: as for the coordinator, only when every register is final and every branch
 *       complete, and past the retention period. A run that has gone on longer than that period
 *       must not decide: it starts again with a higher ballot.
 * </ol>
 *
 * A refusal at any step before the decision means another terminator holds a higher ballot: this
 * run is OUTBID and {@link #retry} starts again above the highest ballot seen.
 *
 * @param highestSeen the highest ballot this terminator has met, its own included
 * @param promises the answers of the registers that promised {@code ballot}
 * @param anyBranchPrepared whether a promising participant's branch is still prepared
 * @param outcome the proposal while PROPOSING, the decision from COMPLETING on
 */
public record TerminatorRun(
        Parties parties,
        Quorum quorum,
        Ballot ballot,
        Phase phase,
        Ballot highestSeen,
        Map<String, Register.Promise> promises,
        boolean anyBranchPrepared,
        Optional<Outcome> outcome,
        Set<String> tookProposal,
        Set<String> completed,
        Set<String> finalRegisters) {

    public enum Phase {
        PROMISING,
        PROPOSING,
        COMPLETING,
        DELETING,
        DONE,
        NOTHING_TO_DO,
        /** Refused or timed out before deciding: start again with a higher ballot. */
        OUTBID
    }

    public TerminatorRun {
        Objects.requireNonNull(parties, "parties");
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(ballot, "ballot");
        Objects.requireNonNull(phase, "phase");
        if (ballot.equals(Ballot.ZERO)) {
            throw new IllegalArgumentException("Ballot 0 belongs to the original coordinator, never to a terminator.");
        }
        promises = Map.copyOf(promises);
        tookProposal = Set.copyOf(tookProposal);
        completed = Set.copyOf(completed);
        finalRegisters = Set.copyOf(finalRegisters);
    }

    /** A terminator on {@code nodeId} starts above every ballot it has seen, deciding on a majority. */
    public static TerminatorRun begin(Parties parties, String nodeId, Ballot highestSeen) {
        return begin(parties, parties.majority(), nodeId, highestSeen);
    }

    private static TerminatorRun begin(Parties parties, Quorum quorum, String nodeId, Ballot highestSeen) {
        Ballot ballot = Ballot.above(highestSeen, nodeId);
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                Phase.PROMISING,
                ballot,
                Map.of(),
                false,
                Optional.empty(),
                Set.of(),
                Set.of(),
                Set.of());
    }

    /**
     * Starts again above the highest ballot seen: after being outbid, or when a later scan finds
     * a branch still prepared although this run found nothing to do (the original coordinator's
     * prepare landed after it looked).
     */
    public TerminatorRun retry() {
        if (phase != Phase.OUTBID && phase != Phase.NOTHING_TO_DO && phase != Phase.DONE) {
            throw illegal("start again");
        }
        return begin(parties, quorum, ballot.nodeId(), highestSeen);
    }

    /** The decided outcome, once there is one. */
    public Optional<Outcome> decision() {
        return switch (phase) {
            case COMPLETING, DELETING, DONE -> outcome;
            case PROMISING, PROPOSING, NOTHING_TO_DO, OUTBID -> Optional.empty();
        };
    }

    /**
     * A register promised the ballot. {@code branchPrepared} is whether that participant's branch
     * is still prepared (its resource lists it in recovery). The run decides once every register
     * has answered, or at {@link #timedOut} if a quorum has: waiting for the others is what lets
     * it see a branch left prepared behind registers that hold nothing.
     */
    public TerminatorRun promised(String participant, Register.Promise promise, boolean branchPrepared) {
        requirePhase(Phase.PROMISING, "take a promise");
        Map<String, Register.Promise> answers = new HashMap<>(promises);
        answers.put(participant, promise);
        TerminatorRun heard = new TerminatorRun(
                parties,
                quorum,
                ballot,
                phase,
                highestSeen,
                answers,
                anyBranchPrepared || branchPrepared,
                outcome,
                tookProposal,
                completed,
                finalRegisters);
        return answers.size() == parties.size() ? heard.decide() : heard;
    }

    private TerminatorRun decide() {
        Termination.Step step = Termination.decide(promises.values(), anyBranchPrepared);
        Phase next;
        if (step == Termination.Step.NOTHING_TO_DO) {
            next = Phase.NOTHING_TO_DO;
        } else if (step.isProposal()) {
            next = Phase.PROPOSING;
        } else {
            next = Phase.COMPLETING;
        }
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                next,
                highestSeen,
                promises,
                anyBranchPrepared,
                step.outcome(),
                tookProposal,
                completed,
                finalRegisters);
    }

    /**
     * A register refused a promise or a proposal: it promised {@code promisedThere}, so another
     * terminator is at work and this ballot can no longer decide.
     */
    public TerminatorRun refused(Ballot promisedThere) {
        if (phase != Phase.PROMISING && phase != Phase.PROPOSING) {
            throw illegal("be refused");
        }
        return outbid(Ballot.max(highestSeen, promisedThere));
    }

    /**
     * Stops waiting for answers. Promised by a quorum: decide from what came in. Otherwise, or
     * while proposing, the run blocks rather than guess: the caller starts again later with a
     * higher ballot.
     */
    public TerminatorRun timedOut() {
        if (phase == Phase.PROMISING && quorum.isReachedBy(promises.size())) {
            return decide();
        }
        if (phase != Phase.PROMISING && phase != Phase.PROPOSING) {
            throw illegal("time out");
        }
        return outbid(highestSeen);
    }

    /** What the run writes to registers now: its proposal, or the decided final state. */
    public Register.Write write() {
        RegisterState state = switch (phase) {
            case PROPOSING -> outcome.orElseThrow().proposal();
            case COMPLETING -> outcome.orElseThrow().finalState();
            case PROMISING, DELETING, DONE, NOTHING_TO_DO, OUTBID -> throw illegal("write to registers");
        };
        return new Register.Write(state, ballot, parties);
    }

    /** A register took the proposal; a quorum of them decides the outcome. */
    public TerminatorRun proposalTaken(String participant) {
        requirePhase(Phase.PROPOSING, "take a proposal's acceptance");
        Set<String> took = Sets.with(tookProposal, participant);
        Phase next = quorum.isReachedBy(took.size()) ? Phase.COMPLETING : phase;
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                next,
                highestSeen,
                promises,
                anyBranchPrepared,
                outcome,
                took,
                completed,
                finalRegisters);
    }

    /** A participant's branch was completed as decided (XAER_NOTA included: completed before). */
    public TerminatorRun completed(String participant, boolean registerFinal) {
        requirePhase(Phase.COMPLETING, "complete a branch");
        Set<String> done = Sets.with(completed, participant);
        Set<String> finals = registerFinal ? Sets.with(finalRegisters, participant) : finalRegisters;
        Phase next = phase;
        if (done.size() == parties.size() && finals.size() == parties.size()) {
            next = Phase.DELETING;
        }
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                next,
                highestSeen,
                promises,
                anyBranchPrepared,
                outcome,
                tookProposal,
                done,
                finals);
    }

    /** Whether the registers may go: every one final and every branch complete. */
    public boolean mayDeleteRegisters() {
        return phase == Phase.DELETING;
    }

    public TerminatorRun registersDeleted() {
        requirePhase(Phase.DELETING, "delete registers");
        return withPhase(Phase.DONE);
    }

    private TerminatorRun outbid(Ballot seen) {
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                Phase.OUTBID,
                seen,
                promises,
                anyBranchPrepared,
                outcome,
                tookProposal,
                completed,
                finalRegisters);
    }

    private TerminatorRun withPhase(Phase next) {
        return new TerminatorRun(
                parties,
                quorum,
                ballot,
                next,
                highestSeen,
                promises,
                anyBranchPrepared,
                outcome,
                tookProposal,
                completed,
                finalRegisters);
    }

    private void requirePhase(Phase expected, String what) {
        if (phase != expected) {
            throw illegal(what);
        }
    }

    private IllegalStateException illegal(String what) {
        return new IllegalStateException("The terminator at " + ballot + " cannot " + what + " while " + phase + ".");
    }
}
