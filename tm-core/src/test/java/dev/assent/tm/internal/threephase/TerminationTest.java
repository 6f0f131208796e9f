package dev.assent.tm.internal.threephase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a terminator decides from a quorum's promises (docs/protocols.md §5). */
class TerminationTest {
    private static final Register.Promise ABSENT = Register.Promise.OF_ABSENT_REGISTER;
    private static final Register.Promise VOTED = new Register.Promise(RegisterState.PREPARED, Ballot.ZERO, true);

    @Test
    void aFinalStateIsFinishedAsIs() {
        assertThat(Termination.decide(List.of(VOTED, promise(RegisterState.COMMITTED, Ballot.ZERO)), true))
                .isEqualTo(Termination.Step.FINISH_COMMIT);
        assertThat(Termination.decide(List.of(VOTED, promise(RegisterState.ABORTED, Ballot.ZERO)), true))
                .isEqualTo(Termination.Step.FINISH_ABORT);
    }

    @Test
    void theLatestProposalWins() {
        Register.Promise olderCommit = promise(RegisterState.PRECOMMITTED, Ballot.ZERO);
        Register.Promise newerAbort = promise(RegisterState.PREABORTED, new Ballot(2, "t1"));
        assertThat(Termination.decide(List.of(olderCommit, newerAbort), true))
                .isEqualTo(Termination.Step.PROPOSE_ABORT);
        assertThat(Termination.decide(List.of(olderCommit, VOTED), true)).isEqualTo(Termination.Step.PROPOSE_COMMIT);
    }

    @Test
    void votesWithoutAProposalAbort() {
        assertThat(Termination.decide(List.of(VOTED, ABSENT), false)).isEqualTo(Termination.Step.PROPOSE_ABORT);
    }

    @Test
    void absentRegistersWithNoBranchPreparedMeanNothingIsLeft() {
        // Deleted registers are not no votes: the transaction may have committed and finished.
        assertThat(Termination.decide(List.of(ABSENT, ABSENT), false)).isEqualTo(Termination.Step.NOTHING_TO_DO);
        assertThat(Termination.decide(List.of(ABSENT, ABSENT), true)).isEqualTo(Termination.Step.PROPOSE_ABORT);
    }

    private static Register.Promise promise(RegisterState state, Ballot accepted) {
        return new Register.Promise(state, accepted, true);
    }
}
