package dev.assent.xa.profile;

/**
 * How a database takes a suspended association (end with TMSUSPEND, later start with TMRESUME).
 * Every mode is safe because a pooled connection belongs to one transaction until it completes:
 * no other transaction can use it while the association is suspended.
 */
public enum SuspendMode {
    /** The driver implements TMSUSPEND / TMRESUME; if it refuses them, fall back to KEEP_ASSOCIATED. */
    NATIVE,
    /**
     * Suspend ends the association with TMSUCCESS and resume joins it again with TMJOIN on the same
     * connection (PostgreSQL: suspend is refused, join after end works).
     */
    END_AND_JOIN,
    /**
     * Suspend and resume do nothing at the driver: the branch stays associated with its connection
     * (MariaDB: suspend, resume and join are all refused, and an ended branch takes no statements).
     */
    KEEP_ASSOCIATED
}
