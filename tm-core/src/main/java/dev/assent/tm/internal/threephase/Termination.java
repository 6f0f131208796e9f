package dev.assent.tm.internal.threephase;

import java.util.Collection;
import java.util.Optional;

/**
 * What a terminator does once a quorum of registers has promised its ballot (docs/protocols.md
 * §5). The quorum it heard from shares a register with every quorum that may have accepted a
 * proposal at an earlier ballot, so carrying on the latest proposal it sees can never contradict
 * an outcome decided before.
 */
public final class Termination {

    /** The terminator's next move. */
    public enum Step {
        /** A register is COMMITTED: commit was decided; finish it. */
        FINISH_COMMIT(Outcome.COMMIT),
        /** A register is ABORTED: abort was decided; finish it. */
        FINISH_ABORT(Outcome.ABORT),
        /** Propose commit at the terminator's ballot: the latest proposal seen was commit. */
        PROPOSE_COMMIT(Outcome.COMMIT),
        /** Propose abort at the terminator's ballot: the latest proposal was abort, or none was seen. */
        PROPOSE_ABORT(Outcome.ABORT),
        /** Nothing to finish: no register holds anything and no branch is still prepared. */
        NOTHING_TO_DO(null);

        private final Outcome outcome;

        Step(Outcome outcome) {
            this.outcome = outcome;
        }

        public Optional<Outcome> outcome() {
            return Optional.ofNullable(outcome);
        }

        public boolean isProposal() {
            return this == PROPOSE_COMMIT || this == PROPOSE_ABORT;
        }
    }

    private Termination() {}

    /**
     * Decides from the promises of a quorum.
     *
     * @param anyBranchPrepared whether any branch the terminator reached is still prepared: with
     *     registers that hold nothing, that is the difference between a transaction already
     *     finished (its registers deleted) and one that still needs an abort
     */
    public static Step decide(Collection<Register.Promise> promises, boolean anyBranchPrepared) {
        if (promises.stream().anyMatch(p -> p.state() == RegisterState.COMMITTED)) {
            return Step.FINISH_COMMIT;
        }
        if (promises.stream().anyMatch(p -> p.state() == RegisterState.ABORTED)) {
            return Step.FINISH_ABORT;
        }
        Optional<Register.Promise> latestProposal = promises.stream()
                .filter(p -> p.state().isProposal())
                .max((a, b) -> a.accepted().compareTo(b.accepted()));
        if (latestProposal.isPresent()) {
            return latestProposal.get().state() == RegisterState.PRECOMMITTED
                    ? Step.PROPOSE_COMMIT
                    : Step.PROPOSE_ABORT;
        }
        // A register that does not exist may have been deleted after the transaction finished
        // either way, so it is never read as a vote. Only a vote (PREPARED) or a prepared branch
        // shows that something is left to abort.
        boolean anyVote = promises.stream().anyMatch(p -> p.state() == RegisterState.PREPARED);
        if (!anyVote && !anyBranchPrepared) {
            return Step.NOTHING_TO_DO;
        }
        return Step.PROPOSE_ABORT;
    }
}
