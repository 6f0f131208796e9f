package dev.assent.tm;

import javax.transaction.xa.Xid;

/**
 * A branch whose resource manager decided on its own, against (or without knowing) the
 * coordinator's decision. Kept in the transaction log until an operator calls
 * {@link AssentTransactionManager#forgetHeuristic(Xid)}.
 *
 * @param branchXid the branch
 * @param resourceManagerName the resource manager, or null if unnamed
 * @param outcome the XA code the resource reported, by name (XA_HEURMIX, XA_HEURRB...)
 * @param decidedCommit what the coordinator had decided
 */
public record HeuristicOutcome(Xid branchXid, String resourceManagerName, String outcome, boolean decidedCommit) {}
