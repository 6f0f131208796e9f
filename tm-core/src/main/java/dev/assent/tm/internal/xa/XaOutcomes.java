package dev.assent.tm.internal.xa;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * The only place where an XA result is classified: one exhaustive switch per XA verb. Codes
 * that the specification does not allow for a verb, and unknown codes, never map to success.
 * The readings follow the X/Open XA specification's description of each verb's errors.
 */
public final class XaOutcomes {
    private XaOutcomes() {}

    /** What a branch's prepare means for the transaction. */
    public enum Vote {
        YES,
        READ_ONLY,
        /** The resource manager rolled the branch back itself (XA_RB*): nothing more to do. */
        NO_ALREADY_ROLLED_BACK,
        /** The branch must be rolled back. */
        NO
    }

    /** The result of committing or rolling back one branch. */
    public enum Completion {
        COMMITTED,
        ROLLED_BACK,
        /** The resource manager decided on its own, in agreement with us; it must be told to forget. */
        HEURISTIC_AGREES,
        HEURISTIC_COMMITTED,
        HEURISTIC_ROLLED_BACK,
        HEURISTIC_MIXED,
        /** The outcome cannot be known (XA_HEURHAZ, or a failure during a one-phase commit). */
        HEURISTIC_HAZARD,
        /** Not finished now (resource unreachable, XA_RETRY...): recovery must retry. */
        OWED
    }

    /** What a failed xa_end or xa_start means: the transaction can only roll back. */
    public enum Association {
        /** XAER_DUPID at start: the branch qualifier is taken; try another. */
        DUPLICATE_XID,
        /** The resource manager marked the branch rollback-only (XA_RB*, or it lost the branch). */
        ROLLBACK_ONLY,
        /** The resource manager failed; the branch cannot be used. */
        FAILED
    }

    public static Vote prepareResult(int returnCode) {
        if (returnCode == XAResource.XA_OK) {
            return Vote.YES;
        }
        return returnCode == XAResource.XA_RDONLY ? Vote.READ_ONLY : Vote.NO;
    }

    public static Vote prepareFailure(XAException e) {
        return switch (XaCode.of(e)) {
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT -> Vote.NO_ALREADY_ROLLED_BACK;
            // Errors allowed at prepare: the branch may still exist, so it is rolled back.
            case XAER_RMERR, XAER_RMFAIL, XAER_NOTA, XAER_INVAL, XAER_PROTO, XAER_ASYNC -> Vote.NO;
            // Not allowed at prepare (a read-only or heuristic vote must be a return value):
            // a resource that throws them is not trusted with a commit.
            case XA_OK,
                    XA_RDONLY,
                    XA_RETRY,
                    XA_HEURMIX,
                    XA_HEURRB,
                    XA_HEURCOM,
                    XA_HEURHAZ,
                    XA_NOMIGRATE,
                    XAER_DUPID,
                    XAER_OUTSIDE,
                    UNKNOWN -> Vote.NO;
        };
    }

    /**
     * A failed commit of a prepared branch.
     *
     * @param earlierAttemptMayHaveCommitted whether a commit of this branch was sent before and its
     *     reply may have been lost (or a crash hides whether it was sent): only then can XAER_NOTA
     *     mean "already committed"
     */
    public static Completion commitTwoPhaseFailure(XAException e, boolean earlierAttemptMayHaveCommitted) {
        return switch (XaCode.of(e)) {
            case XA_HEURCOM -> Completion.HEURISTIC_AGREES;
            case XA_HEURRB -> Completion.HEURISTIC_ROLLED_BACK;
            case XA_HEURMIX -> Completion.HEURISTIC_MIXED;
            case XA_HEURHAZ -> Completion.HEURISTIC_HAZARD;
            // XA: "the branch's work has been rolled back" after it voted yes: a heuristic rollback
            // that the resource manager has already forgotten.
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT,
                    XAER_RMERR -> Completion.HEURISTIC_ROLLED_BACK;
            // The resource manager no longer knows a branch it prepared. After an earlier commit
            // whose reply may have been lost, that commit did it. Without one, the prepared branch
            // was lost (or never really prepared): nobody can say what happened to its work
            // (docs/protocols.md §2).
            case XAER_NOTA -> earlierAttemptMayHaveCommitted ? Completion.COMMITTED : Completion.HEURISTIC_HAZARD;
            // Unreachable or busy: the branch is still prepared and recovery commits it later.
            case XA_RETRY, XAER_RMFAIL -> Completion.OWED;
            // Protocol errors leave the branch prepared as far as we can tell; recovery retries
            // rather than guessing an outcome.
            case XA_OK,
                    XA_RDONLY,
                    XA_NOMIGRATE,
                    XAER_ASYNC,
                    XAER_INVAL,
                    XAER_PROTO,
                    XAER_DUPID,
                    XAER_OUTSIDE,
                    UNKNOWN -> Completion.OWED;
        };
    }

    /**
     * Whether a failed commit of a prepared branch certainly did not commit it. XA_RETRY is the
     * resource manager saying "not now"; every other unfinished answer (an unreachable resource
     * manager, a lost connection, an answer that makes no sense) may hide a commit that went
     * through.
     */
    public static boolean commitCertainlyNotApplied(XAException e) {
        return XaCode.of(e) == XaCode.XA_RETRY;
    }

    public static Completion commitOnePhaseFailure(XAException e) {
        return switch (XaCode.of(e)) {
            case XA_HEURCOM -> Completion.HEURISTIC_AGREES;
            case XA_HEURRB -> Completion.HEURISTIC_ROLLED_BACK;
            case XA_HEURMIX -> Completion.HEURISTIC_MIXED;
            case XA_HEURHAZ -> Completion.HEURISTIC_HAZARD;
            // XA: with TMONEPHASE these mean the work was rolled back; the RM forgot the branch.
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT,
                    XAER_RMERR,
                    XAER_NOTA -> Completion.ROLLED_BACK;
            // Not prepared, so nothing for recovery to finish: retried by the caller, and if it
            // keeps failing the outcome is unknown.
            case XA_RETRY -> Completion.OWED;
            case XAER_RMFAIL,
                    XA_OK,
                    XA_RDONLY,
                    XA_NOMIGRATE,
                    XAER_ASYNC,
                    XAER_INVAL,
                    XAER_PROTO,
                    XAER_DUPID,
                    XAER_OUTSIDE,
                    UNKNOWN -> Completion.HEURISTIC_HAZARD;
        };
    }

    public static Completion rollbackFailure(XAException e) {
        return switch (XaCode.of(e)) {
            case XA_HEURRB -> Completion.HEURISTIC_AGREES;
            case XA_HEURCOM -> Completion.HEURISTIC_COMMITTED;
            case XA_HEURMIX -> Completion.HEURISTIC_MIXED;
            case XA_HEURHAZ -> Completion.HEURISTIC_HAZARD;
            // Already rolled back, or unknown to the RM (never prepared there): nothing to undo.
            // XAER_RMERR at rollback: XA lets the RM forget the branch it failed to roll back.
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT,
                    XAER_NOTA,
                    XAER_RMERR -> Completion.ROLLED_BACK;
            // Presumed abort: recovery finds the branch again and rolls it back.
            case XA_RETRY,
                    XAER_RMFAIL,
                    XA_OK,
                    XA_RDONLY,
                    XA_NOMIGRATE,
                    XAER_ASYNC,
                    XAER_INVAL,
                    XAER_PROTO,
                    XAER_DUPID,
                    XAER_OUTSIDE,
                    UNKNOWN -> Completion.OWED;
        };
    }

    public static Association endFailure(XAException e) {
        return switch (XaCode.of(e)) {
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT,
                    XAER_NOTA -> Association.ROLLBACK_ONLY;
            case XAER_RMERR,
                    XAER_RMFAIL,
                    XAER_INVAL,
                    XAER_PROTO,
                    XAER_ASYNC,
                    XAER_DUPID,
                    XAER_OUTSIDE,
                    XA_OK,
                    XA_RDONLY,
                    XA_RETRY,
                    XA_HEURMIX,
                    XA_HEURRB,
                    XA_HEURCOM,
                    XA_HEURHAZ,
                    XA_NOMIGRATE,
                    UNKNOWN -> Association.FAILED;
        };
    }

    public static Association startFailure(XAException e) {
        return switch (XaCode.of(e)) {
            case XAER_DUPID -> Association.DUPLICATE_XID;
            case XA_RBROLLBACK,
                    XA_RBCOMMFAIL,
                    XA_RBDEADLOCK,
                    XA_RBINTEGRITY,
                    XA_RBOTHER,
                    XA_RBPROTO,
                    XA_RBTIMEOUT,
                    XA_RBTRANSIENT -> Association.ROLLBACK_ONLY;
            case XAER_RMERR,
                    XAER_RMFAIL,
                    XAER_NOTA,
                    XAER_INVAL,
                    XAER_PROTO,
                    XAER_ASYNC,
                    XAER_OUTSIDE,
                    XA_OK,
                    XA_RDONLY,
                    XA_RETRY,
                    XA_HEURMIX,
                    XA_HEURRB,
                    XA_HEURCOM,
                    XA_HEURHAZ,
                    XA_NOMIGRATE,
                    UNKNOWN -> Association.FAILED;
        };
    }
}
