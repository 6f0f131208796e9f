package dev.assent.tm.internal.log;

import dev.assent.tm.internal.tx.AssentXid;
import java.util.List;

/**
 * The records of the transaction log. Type codes are frozen: they are written to disk and read
 * back by later versions, so a code is never reused or renumbered (CONTRIBUTING.md rule 2).
 */
public sealed interface LogRecord
        permits LogRecord.CommitDecision, LogRecord.Completed, LogRecord.Heuristic, LogRecord.HeuristicForgotten {

    int TYPE_COMMIT_DECISION = 1;
    int TYPE_COMPLETED = 2;
    int TYPE_HEURISTIC = 3;
    int TYPE_HEURISTIC_FORGOTTEN = 4;

    int typeCode();

    /** The transaction (global Xid, empty branch qualifier) the record is about. */
    AssentXid transactionId();

    /** One prepared branch: its Xid and the resource manager that recovery must ask. */
    record BranchRef(AssentXid xid, String resourceManagerName) {}

    /** The commit point of a two-phase commit: forced before any branch is committed. */
    record CommitDecision(AssentXid transactionId, List<BranchRef> branches) implements LogRecord {
        public CommitDecision {
            branches = List.copyOf(branches);
        }

        @Override
        public int typeCode() {
            return TYPE_COMMIT_DECISION;
        }
    }

    /** Every branch of a committed transaction is finished; written lazily, never forced. */
    record Completed(AssentXid transactionId) implements LogRecord {
        @Override
        public int typeCode() {
            return TYPE_COMPLETED;
        }
    }

    /**
     * A resource manager decided a branch on its own. Kept until an operator forgets it.
     *
     * @param xaCode the XA code it reported (XA_HEURCOM, XA_HEURRB, XA_HEURMIX, XA_HEURHAZ...)
     * @param decidedCommit what the coordinator had decided for the transaction
     */
    record Heuristic(AssentXid transactionId, BranchRef branch, int xaCode, boolean decidedCommit)
            implements LogRecord {
        @Override
        public int typeCode() {
            return TYPE_HEURISTIC;
        }
    }

    /** An operator acknowledged a heuristic outcome. */
    record HeuristicForgotten(AssentXid transactionId, AssentXid branchXid) implements LogRecord {
        @Override
        public int typeCode() {
            return TYPE_HEURISTIC_FORGOTTEN;
        }
    }
}
