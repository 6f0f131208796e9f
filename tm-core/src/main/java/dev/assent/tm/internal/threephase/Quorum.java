package dev.assent.tm.internal.threephase;

/**
 * How many registers must answer before anything is decided. Any two quorums of a transaction
 * share a register, which is what lets a terminator learn what an earlier ballot may have decided.
 */
public record Quorum(int size) {

    public Quorum {
        if (size < 1) {
            throw new IllegalArgumentException("A quorum needs at least one register, not " + size + ".");
        }
    }

    /** floor(n/2)+1 of n participants: the smallest size at which two quorums always overlap. */
    public static Quorum majorityOf(int participants) {
        if (participants < 1) {
            throw new IllegalArgumentException("A transaction needs participants, not " + participants + ".");
        }
        return new Quorum(participants / 2 + 1);
    }

    public boolean isReachedBy(int answers) {
        return answers >= size;
    }
}
