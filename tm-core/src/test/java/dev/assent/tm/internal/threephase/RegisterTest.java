package dev.assent.tm.internal.threephase;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The register's accept and refuse rules, one at a time (docs/protocols.md §5). */
class RegisterTest {
    private static final Parties PARTIES = new Parties(List.of("p1", "p2", "p3"), "c");
    private static final Instant NOW = Instant.EPOCH;
    private static final Ballot T1 = new Ballot(1, "t1");

    @Test
    void aVoteStartsARegisterAtBallotZero() {
        Register.WriteResult vote = write(Optional.empty(), RegisterState.PREPARED, Ballot.ZERO);
        assertThat(vote.accepted()).isTrue();
        assertThat(vote.register().orElseThrow().state()).isEqualTo(RegisterState.PREPARED);
        assertThat(vote.register().orElseThrow().promised()).isEqualTo(Ballot.ZERO);
    }

    @Test
    void aProposalOrAFinalStateNeverStartsARegister() {
        // A missing register may have been deleted after the transaction finished.
        assertThat(write(Optional.empty(), RegisterState.PRECOMMITTED, Ballot.ZERO)
                        .accepted())
                .isFalse();
        assertThat(write(Optional.empty(), RegisterState.ABORTED, T1).accepted())
                .isFalse();
    }

    @Test
    void aPromiseOnAMissingRegisterCreatesItSoThatTheLateVoteIsANo() {
        Register.PromiseResult promise = Register.promise(Optional.empty(), T1, PARTIES, NOW);
        assertThat(promise.promise()).contains(Register.Promise.OF_ABSENT_REGISTER);
        assertThat(promise.register().state()).isEqualTo(RegisterState.NONE);
        Register.WriteResult lateVote = write(Optional.of(promise.register()), RegisterState.PREPARED, Ballot.ZERO);
        assertThat(lateVote.accepted()).isFalse();
        assertThat(lateVote.refusedBy()).isEqualTo(T1);
    }

    @Test
    void aPromiseBelowThePromisedBallotIsRefused() {
        Register promisedT2 = Register.promise(Optional.empty(), new Ballot(1, "t2"), PARTIES, NOW)
                .register();
        assertThat(Register.promise(Optional.of(promisedT2), T1, PARTIES, NOW).given())
                .isFalse();
    }

    @Test
    void aFinalStateStaysAndAVoteNeverReplacesAProposal() {
        Register committed =
                write(voted(), RegisterState.COMMITTED, Ballot.ZERO).register().orElseThrow();
        assertThat(write(Optional.of(committed), RegisterState.PREABORTED, T1).accepted())
                .isFalse();
        Register proposed = write(voted(), RegisterState.PRECOMMITTED, Ballot.ZERO)
                .register()
                .orElseThrow();
        assertThat(write(Optional.of(proposed), RegisterState.PREPARED, Ballot.ZERO)
                        .accepted())
                .isFalse();
    }

    private static Optional<Register> voted() {
        return write(Optional.empty(), RegisterState.PREPARED, Ballot.ZERO).register();
    }

    private static Register.WriteResult write(Optional<Register> current, RegisterState state, Ballot ballot) {
        return Register.write(current, new Register.Write(state, ballot, PARTIES), NOW);
    }
}
