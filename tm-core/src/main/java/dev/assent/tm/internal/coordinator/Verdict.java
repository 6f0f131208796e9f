package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the branches' completions add up to once the coordinator has decided. Heuristic outcomes
 * become the matching Jakarta exception with every resource's XAException attached (the first
 * as the cause, the others suppressed), so that none is swallowed.
 */
final class Verdict {
    private final boolean decidedCommit;
    private final List<Branch> disagreeing = new ArrayList<>();
    private final List<Branch> agreeingHeuristically = new ArrayList<>();
    private final List<Branch> owed = new ArrayList<>();
    private boolean anyAsDecided;

    Verdict(boolean decidedCommit, List<Branch> completed) {
        this.decidedCommit = decidedCommit;
        for (Branch branch : completed) {
            switch (branch.completion()) {
                case COMMITTED, ROLLED_BACK -> anyAsDecided |= asDecided(branch);
                case HEURISTIC_AGREES -> {
                    agreeingHeuristically.add(branch);
                    anyAsDecided = true;
                }
                case HEURISTIC_COMMITTED, HEURISTIC_ROLLED_BACK, HEURISTIC_MIXED, HEURISTIC_HAZARD ->
                    disagreeing.add(branch);
                case OWED -> {
                    // Recovery will finish it as decided: it counts as going the decided way.
                    owed.add(branch);
                    anyAsDecided = true;
                }
            }
        }
    }

    private boolean asDecided(Branch branch) {
        return (branch.completion() == XaOutcomes.Completion.COMMITTED) == decidedCommit;
    }

    /** Branches whose resource manager decided otherwise, or cannot say what it did. */
    List<Branch> disagreeing() {
        return disagreeing;
    }

    /** Heuristic outcomes that match the decision: the resource managers must forget them. */
    List<Branch> agreeingHeuristically() {
        return agreeingHeuristically;
    }

    /** Branches recovery must still finish. */
    List<Branch> owed() {
        return owed;
    }

    boolean clean() {
        return disagreeing.isEmpty();
    }

    /** For a commit decision: every branch that finished was rolled back by its resource manager. */
    boolean allRolledBackHeuristically() {
        return !anyAsDecided
                && disagreeing.stream().allMatch(b -> b.completion() == XaOutcomes.Completion.HEURISTIC_ROLLED_BACK);
    }

    HeuristicMixedException mixed(String message) {
        return attachCauses(new HeuristicMixedException(message + describe()));
    }

    HeuristicRollbackException rolledBack(String message) {
        return attachCauses(new HeuristicRollbackException(message + describe()));
    }

    <E extends Exception> E attachCauses(E exception) {
        for (Branch branch : disagreeing) {
            if (branch.failure() == null) {
                continue;
            }
            if (exception.getCause() == null) {
                exception.initCause(branch.failure());
            } else {
                exception.addSuppressed(branch.failure());
            }
        }
        return exception;
    }

    private String describe() {
        StringBuilder text = new StringBuilder(": ");
        for (int i = 0; i < disagreeing.size(); i++) {
            Branch branch = disagreeing.get(i);
            text.append(i == 0 ? "" : ", ").append(branch).append(' ').append(branch.completion());
            if (branch.failure() != null) {
                text.append(" (")
                        .append(XaCode.nameOf(branch.failure().errorCode))
                        .append(')');
            }
        }
        return text.toString();
    }
}
