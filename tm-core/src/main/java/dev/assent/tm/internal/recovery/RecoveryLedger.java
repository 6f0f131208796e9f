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
 * <p>Two more things it remembers, so that recovery never guesses (docs/protocols.md §2): which owed branches may already have been committed by a commit whose reply was lost
 * (only those may be taken as done when their resource stops listing them), and which
 * transactions have a commit decision that may or may not be on disk (a failed force): those are
 * in doubt until a restart has read the log back, and this run neither commits nor rolls them back.
 *
 * <p>Note on concurrency: written by committing threads (owe, heuristic, in doubt) and the
 * recovery thread (completed, forget); the maps and sets are concurrent, so no lock is held.
 */
public final class RecoveryLedger {

    /** A committed transaction with the branches still to finish. */
    public record OwedCommit(AssentXid transactionId, Map<AssentXid, LogRecord.BranchRef> branches) {}

    private final Map<AssentXid, OwedCommit> owedCommits = new ConcurrentHashMap<>();
    private final Map<AssentXid, LogRecord.Heuristic> heuristics = new ConcurrentHashMap<>();
    private final Set<AssentXid> commitMayHaveApplied = ConcurrentHashMap.newKeySet();
    private final Map<AssentXid, List<LogRecord.BranchRef>> inDoubt = new ConcurrentHashMap<>();

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

    /** Whether this very branch still has to be committed. */
    public boolean isOwedBranch(AssentXid transactionId, AssentXid branchXid) {
        OwedCommit owed = owedCommits.get(transactionId);
        return owed != null && owed.branches().containsKey(branchXid);
    }

    /**
     * Records that a commit was sent to this owed branch and its answer does not rule out that it
     * was applied (lost reply, failed connection).
     */
    public void commitSent(AssentXid branchXid) {
        commitMayHaveApplied.add(branchXid);
    }

    /** Whether a commit of this branch may already have been applied by its resource manager. */
    public boolean commitMayHaveApplied(AssentXid branchXid) {
        return commitMayHaveApplied.contains(branchXid);
    }

    /**
     * Holds a transaction whose commit decision may or may not have reached the disk: neither this
     * run's coordinator nor its recovery may act on its branches; a restart decides from the log.
     */
    public void holdInDoubt(AssentXid transactionId, List<LogRecord.BranchRef> branches) {
        inDoubt.put(transactionId, List.copyOf(branches));
    }

    public boolean isInDoubt(AssentXid transactionId) {
        return inDoubt.containsKey(transactionId);
    }

    /** Transactions held in doubt until a restart, with their branches. */
    public Map<AssentXid, List<LogRecord.BranchRef>> inDoubt() {
        return Map.copyOf(inDoubt);
    }

    /** Marks one branch finished; true when it was the transaction's last owed branch. */
    public boolean branchFinished(AssentXid transactionId, AssentXid branchXid) {
        OwedCommit owed = owedCommits.get(transactionId);
        if (owed == null) {
            return false;
        }
        owed.branches().remove(branchXid);
        commitMayHaveApplied.remove(branchXid);
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
            // The run that logged the decision may have sent commits before it stopped.
            for (LogRecord.BranchRef branch : decision.branches()) {
                commitSent(branch.xid());
            }
        } else if (record instanceof LogRecord.Completed completed) {
            OwedCommit done = owedCommits.remove(completed.transactionId());
            if (done != null) {
                commitMayHaveApplied.removeAll(done.branches().keySet());
            }
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
