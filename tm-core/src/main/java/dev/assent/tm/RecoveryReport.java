package dev.assent.tm;

import java.util.List;
import javax.transaction.xa.Xid;

/**
 * What one recovery scan did.
 *
 * @param committed branches of logged commit decisions that the scan committed
 * @param rolledBack orphaned branches of this node (no commit decision) that it rolled back
 * @param leftAlone branches it saw and must not touch: other nodes' Xids, and this run's branches
 *     that may still be in flight
 * @param stillOwed what remains to do, one sentence each (resource unreachable or unregistered,
 *     commit failed and will be retried)
 * @param heuristics heuristic outcomes waiting for an operator
 */
public record RecoveryReport(
        List<Xid> committed,
        List<Xid> rolledBack,
        List<Xid> leftAlone,
        List<String> stillOwed,
        List<HeuristicOutcome> heuristics) {

    public RecoveryReport {
        committed = List.copyOf(committed);
        rolledBack = List.copyOf(rolledBack);
        leftAlone = List.copyOf(leftAlone);
        stillOwed = List.copyOf(stillOwed);
        heuristics = List.copyOf(heuristics);
    }

    /** True when nothing is owed and no heuristic waits. */
    public boolean isComplete() {
        return stillOwed.isEmpty() && heuristics.isEmpty();
    }

    @Override
    public String toString() {
        return "recovery: committed " + committed.size() + ", rolled back " + rolledBack.size() + ", left alone "
                + leftAlone.size() + ", still owed " + stillOwed.size() + ", heuristics " + heuristics.size()
                + (stillOwed.isEmpty() ? "" : " " + stillOwed);
    }
}
