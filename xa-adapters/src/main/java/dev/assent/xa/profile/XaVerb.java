package dev.assent.xa.profile;

/** The XA verbs whose failures a {@link DatabaseProfile} normalises, one per distinct meaning. */
public enum XaVerb {
    START,
    END,
    PREPARE,
    /** commit(xid, true): the branch was never prepared. */
    COMMIT_ONE_PHASE,
    /** commit(xid, false): the branch is prepared. */
    COMMIT,
    ROLLBACK,
    RECOVER,
    FORGET
}
