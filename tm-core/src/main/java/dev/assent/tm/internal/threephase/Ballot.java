package dev.assent.tm.internal.threephase;

import java.util.Comparator;
import java.util.Objects;

/**
 * A ballot orders the attempts to decide one transaction. Round 0 belongs to the original
 * coordinator alone ({@link #ZERO}); a terminator takes a round above every ballot it has seen,
 * paired with its node id, so that two terminators never hold the same ballot (safety does not
 * depend on how rounds are drawn, only on that uniqueness).
 */
public record Ballot(long round, String nodeId) implements Comparable<Ballot> {
    /** The original coordinator's ballot, below every terminator's. */
    public static final Ballot ZERO = new Ballot(0, "");

    private static final Comparator<Ballot> ORDER =
            Comparator.comparingLong(Ballot::round).thenComparing(Ballot::nodeId);

    public Ballot {
        Objects.requireNonNull(nodeId, "nodeId");
        if (round < 0) {
            throw new IllegalArgumentException("A ballot's round cannot be negative: " + round + ".");
        }
        if ((round == 0) != nodeId.isEmpty()) {
            throw new IllegalArgumentException("Round 0, and only round 0, belongs to the original coordinator.");
        }
    }

    /** The ballot a terminator on {@code nodeId} takes after having seen {@code highestSeen}. */
    public static Ballot above(Ballot highestSeen, String nodeId) {
        if (nodeId.isEmpty()) {
            throw new IllegalArgumentException("A terminator's ballot needs its node id.");
        }
        return new Ballot(highestSeen.round + 1, nodeId);
    }

    public static Ballot max(Ballot a, Ballot b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Ballot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return round == 0 ? "b0" : "b" + round + "." + nodeId;
    }
}
