package dev.assent.tm.spi;

import dev.assent.tm.RecoveryReport;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

/**
 * Observes transactions as they move through the protocol; every callback has a no-op default.
 * Callbacks run on the thread that did the work, so they must be quick and must not throw
 * (an exception from a listener is logged and otherwise ignored).
 *
 * <p>{@code transactionId} is the transaction's global Xid (empty branch qualifier).
 */
public interface TransactionListener {

    /** The outcome of one branch's prepare. */
    enum Vote {
        YES,
        READ_ONLY,
        NO
    }

    default void begun(Xid transactionId) {}

    default void enlisted(Xid branchXid, String resourceManagerName) {}

    default void prepared(Xid branchXid, Vote vote) {}

    /** The outcome is decided: for a two-phase commit this follows the forced decision record. */
    default void decided(Xid transactionId, boolean commit) {}

    /** The transaction completed; {@code status} is a {@link jakarta.transaction.Status} value. */
    default void completed(Xid transactionId, int status) {}

    /** A resource manager reported a heuristic outcome (or an outcome it cannot know). */
    default void heuristic(Xid branchXid, String resourceManagerName, XAException cause) {}

    /** A branch could not be finished now and is left to recovery. */
    default void owedToRecovery(Xid branchXid, String resourceManagerName, XAException cause) {}

    /** The timeout reaper rolled a transaction back. */
    default void timedOut(Xid transactionId) {}

    /** A recovery scan finished. */
    default void recovered(RecoveryReport report) {}

    /** The log made records durable; {@code records} committers shared one force. */
    default void logForced(int records, long nanos) {}
}
