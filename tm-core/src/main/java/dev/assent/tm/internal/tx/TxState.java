package dev.assent.tm.internal.tx;

import jakarta.transaction.Status;
import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a transaction. The whole transition table is here; {@link TransactionImpl}
 * moves between states only by compare-and-set against it.
 *
 * <p>SYNCHRONIZING is "beforeCompletion callbacks are running": the application still sees
 * ACTIVE (the spec requires it: a JPA flush checks the status), but a second commit, or the
 * reaper, must not start completing the transaction at the same time.
 */
public enum TxState {
    ACTIVE(Status.STATUS_ACTIVE),
    MARKED_ROLLBACK(Status.STATUS_MARKED_ROLLBACK),
    SYNCHRONIZING(Status.STATUS_ACTIVE),
    SYNCHRONIZING_MARKED(Status.STATUS_MARKED_ROLLBACK),
    PREPARING(Status.STATUS_PREPARING),
    PREPARED(Status.STATUS_PREPARED),
    COMMITTING(Status.STATUS_COMMITTING),
    ROLLING_BACK(Status.STATUS_ROLLING_BACK),
    COMMITTED(Status.STATUS_COMMITTED),
    ROLLED_BACK(Status.STATUS_ROLLEDBACK),
    /**
     * Decided to commit, but the decision may not be durable (the log failed): neither committed
     * nor rolled back in this run; a restart decides from the log (docs/protocols.md §2).
     */
    IN_DOUBT(Status.STATUS_UNKNOWN);

    private final int jtaStatus;

    TxState(int jtaStatus) {
        this.jtaStatus = jtaStatus;
    }

    public int jtaStatus() {
        return jtaStatus;
    }

    public boolean canTransitionTo(TxState next) {
        return successors(this).contains(next);
    }

    /** Work may still be added: enlistment and synchronization registration. */
    public boolean acceptsWork() {
        return this == ACTIVE || this == SYNCHRONIZING;
    }

    public boolean isMarkedRollback() {
        return this == MARKED_ROLLBACK || this == SYNCHRONIZING_MARKED;
    }

    public boolean isFinal() {
        return this == COMMITTED || this == ROLLED_BACK || this == IN_DOUBT;
    }

    private static Set<TxState> successors(TxState state) {
        switch (state) {
            case ACTIVE:
                return EnumSet.of(MARKED_ROLLBACK, SYNCHRONIZING, ROLLING_BACK);
            case MARKED_ROLLBACK:
                return EnumSet.of(ROLLING_BACK);
            case SYNCHRONIZING:
                return EnumSet.of(SYNCHRONIZING_MARKED, PREPARING, COMMITTING);
            case SYNCHRONIZING_MARKED:
                return EnumSet.of(ROLLING_BACK);
            case PREPARING:
                return EnumSet.of(PREPARED, ROLLING_BACK, COMMITTED);
            case PREPARED:
                return EnumSet.of(COMMITTING, ROLLING_BACK, IN_DOUBT);
            case COMMITTING:
                return EnumSet.of(COMMITTED, ROLLED_BACK, IN_DOUBT);
            case ROLLING_BACK:
                return EnumSet.of(ROLLED_BACK);
            case COMMITTED:
            case ROLLED_BACK:
            case IN_DOUBT:
                return EnumSet.noneOf(TxState.class);
        }
        throw new AssertionError(state);
    }
}
