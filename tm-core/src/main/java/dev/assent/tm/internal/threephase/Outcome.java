package dev.assent.tm.internal.threephase;

/** How a transaction ends, once someone has decided. */
public enum Outcome {
    COMMIT(RegisterState.PRECOMMITTED, RegisterState.COMMITTED),
    ABORT(RegisterState.PREABORTED, RegisterState.ABORTED);

    private final RegisterState proposal;
    private final RegisterState finalState;

    Outcome(RegisterState proposal, RegisterState finalState) {
        this.proposal = proposal;
        this.finalState = finalState;
    }

    /** The state that proposes this outcome at a ballot. */
    public RegisterState proposal() {
        return proposal;
    }

    /** The state a register keeps once this outcome is decided. */
    public RegisterState finalState() {
        return finalState;
    }

    /** The outcome a proposal or final state stands for. */
    public static Outcome of(RegisterState state) {
        return switch (state) {
            case PRECOMMITTED, COMMITTED -> COMMIT;
            case PREABORTED, ABORTED -> ABORT;
            case NONE, PREPARED -> throw new IllegalArgumentException(state + " stands for no outcome.");
        };
    }
}
