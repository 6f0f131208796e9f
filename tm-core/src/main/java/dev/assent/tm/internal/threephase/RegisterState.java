package dev.assent.tm.internal.threephase;

/**
 * What a participant's register says about one transaction. The codes are stored in register
 * tables: they are frozen and never reused (CONTRIBUTING.md rule 2).
 */
public enum RegisterState {
    /** Only a promise: a terminator asked before anything else was written. */
    NONE(0),
    /** The participant voted yes and is uncertain. */
    PREPARED(1),
    /** Proposed outcome commit, at the register's accepted ballot. */
    PRECOMMITTED(2),
    /** Proposed outcome abort, at the register's accepted ballot. */
    PREABORTED(3),
    COMMITTED(4),
    ABORTED(5);

    private final int code;

    RegisterState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RegisterState ofCode(int code) {
        for (RegisterState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("No register state has code " + code + ".");
    }

    /** A decided outcome: a register in a final state never takes another state. */
    public boolean isFinal() {
        return this == COMMITTED || this == ABORTED;
    }

    /** A proposal made at some ballot, which a terminator must carry on if it is the latest. */
    public boolean isProposal() {
        return this == PRECOMMITTED || this == PREABORTED;
    }
}
