package dev.assent.tm.internal.threephase;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One participant's durable record of one three-phase transaction, kept in the participant's own
 * storage. Registers are the acceptors of the protocol: every write and every promise goes
 * through {@link #write} and {@link #promise}, which say whether it is taken and what the
 * register holds afterwards; the caller stores the result durably before it answers.
 *
 * @param state what the register says about the transaction
 * @param accepted the ballot of the write that set {@code state} ({@link Ballot#ZERO} for NONE,
 *     which carries nothing accepted)
 * @param promised no write or promise below this ballot is taken any more
 * @param parties whom else to ask, for a terminator that finds this register
 * @param writtenAt when the register last changed, which tells terminators how long the
 *     transaction has been left alone
 */
public record Register(RegisterState state, Ballot accepted, Ballot promised, Parties parties, Instant writtenAt) {

    public Register {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(parties, "parties");
        Objects.requireNonNull(writtenAt, "writtenAt");
        if (accepted.compareTo(promised) > 0) {
            throw new IllegalArgumentException(
                    "A register cannot have accepted " + accepted + " above its promise " + promised + ".");
        }
    }

    /** A write asked of a register: a state at a ballot. */
    public record Write(RegisterState state, Ballot ballot, Parties parties) {
        public Write {
            if (state == RegisterState.NONE) {
                throw new IllegalArgumentException("NONE is only ever the result of a promise, never written.");
            }
        }
    }

    /**
     * What a write did: {@code register} is the register afterwards, or as found if refused
     * (empty when a write other than a vote found no register).
     */
    public record WriteResult(boolean accepted, Optional<Register> register) {
        /**
         * The promise that refused the write, or ballot 0 when the register was missing: deleted
         * because the transaction is finished, which no ballot can change.
         */
        public Ballot refusedBy() {
            if (accepted) {
                throw new IllegalStateException("An accepted write was refused by nobody.");
            }
            return register.map(Register::promised).orElse(Ballot.ZERO);
        }
    }

    /** What a register held when it promised a ballot, as the terminator decides from it. */
    public record Promise(RegisterState state, Ballot accepted, boolean registerExisted) {
        /** The answer of a register that did not exist: it says nothing about any vote. */
        public static final Promise OF_ABSENT_REGISTER = new Promise(RegisterState.NONE, Ballot.ZERO, false);
    }

    /**
     * What a promise did: {@code promise} is present when the ballot was promised; {@code
     * register} is the register afterwards, or as found if refused (its {@code promised} ballot is
     * the one to outbid).
     */
    public record PromiseResult(Optional<Promise> promise, Register register) {
        public boolean given() {
            return promise.isPresent();
        }
    }

    /**
     * Applies a write to a register that may not exist. A write is taken only at a ballot at or
     * above the register's promise, so that a proposal from an older ballot can never land after
     * a newer one was promised: that is what keeps a terminator's view of a quorum true while it
     * decides. A refused PREPARED write is the participant's NO vote.
     */
    public static WriteResult write(Optional<Register> current, Write write, Instant now) {
        if (current.isEmpty()) {
            // Only a vote starts a register. Any other write to a missing register comes after the
            // transaction was finished and its registers deleted: a late proposal taken there could
            // make a quorum and decide a second time (found by model checking, docs/protocols.md §5).
            if (write.state() != RegisterState.PREPARED) {
                return new WriteResult(false, Optional.empty());
            }
            return new WriteResult(
                    true,
                    Optional.of(new Register(write.state(), write.ballot(), write.ballot(), write.parties(), now)));
        }
        Register register = current.get();
        if (!register.takes(write)) {
            return new WriteResult(false, current);
        }
        Ballot promised = Ballot.max(register.promised, write.ballot());
        return new WriteResult(
                true, Optional.of(new Register(write.state(), write.ballot(), promised, register.parties, now)));
    }

    private boolean takes(Write write) {
        if (write.ballot().compareTo(promised) < 0) {
            return false;
        }
        if (state.isFinal()) {
            // A decided outcome stays: a late proposal must not turn it back into a question.
            return write.state() == state;
        }
        if (write.state() == RegisterState.PREPARED) {
            // A vote comes before every proposal; one delivered late must not erase a proposal.
            return state == RegisterState.NONE || state == RegisterState.PREPARED;
        }
        return true;
    }

    /**
     * Asks a register that may not exist to promise {@code ballot}. A register that does not
     * exist is created as NONE with the promise, and the caller must store it durably before
     * answering: otherwise the original coordinator's ballot-0 writes, still on their way, would
     * be taken after the terminator concluded that nothing had been written here.
     */
    public static PromiseResult promise(Optional<Register> current, Ballot ballot, Parties parties, Instant now) {
        if (current.isEmpty()) {
            return new PromiseResult(
                    Optional.of(Promise.OF_ABSENT_REGISTER),
                    new Register(RegisterState.NONE, Ballot.ZERO, ballot, parties, now));
        }
        Register register = current.get();
        if (ballot.compareTo(register.promised) < 0) {
            return new PromiseResult(Optional.empty(), register);
        }
        Promise promise = new Promise(register.state, register.accepted, true);
        return new PromiseResult(
                Optional.of(promise), new Register(register.state, register.accepted, ballot, register.parties, now));
    }
}
