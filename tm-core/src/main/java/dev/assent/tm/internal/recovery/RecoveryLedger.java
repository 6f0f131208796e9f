package dev.assent.tm.internal.recovery;

import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.tx.AssentXid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What recovery still owes: committed transactions with branches not yet known to be committed,
 * and heuristic outcomes not yet forgotten by an operator. Seeded from the log at start-up and
 * fed by the coordinator while it runs, so that a scan never has to re-read the log.
 *
 * <p>Note on concurrency: written by committing threads (owe, heuristic) and the recovery thread
 * (completed, forget); the maps are concurrent and each transaction's branch set is a concurrent
 * set, so no lock is held.
 */
public final class RecoveryLedger {

    /** A committed transaction with the branches still to finish. */
    public record OwedCommit(AssentXid transactionId, Map<AssentXid, LogRecord.BranchRef> branches) {}

    private final Map<AssentXid, OwedCommit> owedCommits = new ConcurrentHashMap<>();
    private final Map<AssentXid, LogRecord.Heuristic> heuristics = new ConcurrentHashMap<>();

    /** Records that these branches of a committed transaction must still be committed. */
    public void oweCommit(AssentXid transactionId, List<LogRecord.BranchRef> branches) {
        OwedCommit owed =
                owedCommits.computeIfAbsent(transactionId, id -> new OwedCommit(id, new ConcurrentHashMap<>()));
        for (LogRecord.BranchRef branch : branches) {
            owed.branches().put(branch.xid(), branch);
        }
    }

    public List<OwedCommit> owedCommits() {
        return new ArrayList<>(owedCommits.values());
    }

    public boolean isOwed(AssentXid transactionId) {
        return owedCommits.containsKey(transactionId);
    }

    /** Marks one branch finished; true when it was the transaction's last owed branch. */
    public boolean branchFinished(AssentXid transactionId, AssentXid branchXid) {
        OwedCommit owed = owedCommits.get(transactionId);
        if (owed == null) {
            return false;
        }
        owed.branches().remove(branchXid);
        return owed.branches().isEmpty() && owedCommits.remove(transactionId, owed);
    }

    public void recordHeuristic(LogRecord.Heuristic heuristic) {
        heuristics.put(heuristic.branch().xid(), heuristic);
    }

    public List<LogRecord.Heuristic> heuristics() {
        return new ArrayList<>(heuristics.values());
    }

    public LogRecord.Heuristic heuristicOf(AssentXid branchXid) {
        return heuristics.get(branchXid);
    }

    public boolean hasHeuristicIn(AssentXid transactionId) {
        for (LogRecord.Heuristic heuristic : heuristics.values()) {
            if (heuristic.transactionId().equals(transactionId)) {
                return true;
            }
        }
        return false;
    }

    public LogRecord.Heuristic forgetHeuristic(AssentXid branchXid) {
        return heuristics.remove(branchXid);
    }

    /** Rebuilds the ledger from what the log says is still outstanding. */
    public void replay(LogRecord record) {
        if (record instanceof LogRecord.CommitDecision decision) {
            oweCommit(decision.transactionId(), decision.branches());
        } else if (record instanceof LogRecord.Completed completed) {
            owedCommits.remove(completed.transactionId());
        } else if (record instanceof LogRecord.Heuristic heuristic) {
            recordHeuristic(heuristic);
        } else if (record instanceof LogRecord.HeuristicForgotten forgotten) {
            heuristics.remove(forgotten.branchXid());
        }
    }

    /** Transaction ids with owed work, for tests and reports. */
    public Set<AssentXid> owedTransactionIds() {
        return Set.copyOf(owedCommits.keySet());
    }
}
