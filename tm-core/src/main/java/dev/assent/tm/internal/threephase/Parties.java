package dev.assent.tm.internal.threephase;

import java.util.List;
import java.util.Objects;

/**
 * Who takes part in a three-phase transaction and which node coordinates it. Every register
 * carries it, so that a terminator that finds any one register knows whom else to ask.
 */
public record Parties(List<String> participants, String coordinatorNode) {

    public Parties {
        participants = List.copyOf(participants);
        Objects.requireNonNull(coordinatorNode, "coordinatorNode");
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("A three-phase transaction needs participants.");
        }
        if (participants.stream().distinct().count() != participants.size()) {
            throw new IllegalArgumentException("Participants must be named once each: " + participants + ".");
        }
    }

    public int size() {
        return participants.size();
    }

    public Quorum majority() {
        return Quorum.majorityOf(participants.size());
    }
}
