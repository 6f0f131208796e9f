package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.TransactionImpl;
import jakarta.transaction.Synchronization;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls synchronizations in the order Jakarta Transactions fixes: beforeCompletion of the
 * regular ones, then of the interposed ones; afterCompletion of the interposed ones, then of
 * the regular ones. A synchronization registered while the callbacks run is called too (lists
 * are walked by index because they may grow).
 */
final class Synchronizations {
    private static final Logger log = LoggerFactory.getLogger(Synchronizations.class);

    private Synchronizations() {}

    /**
     * Runs every beforeCompletion; the first that throws anything (a RuntimeException, an Error, a
     * checked exception thrown sneakily) marks the transaction rollback-only and becomes the cause
     * of the caller's RollbackException.
     */
    static void beforeCompletion(TransactionImpl tx) {
        if (!callBefore(tx, tx.synchronizations())) {
            return;
        }
        // From here a regular synchronization could no longer be called before completion.
        tx.closeRegularSynchronizations();
        callBefore(tx, tx.interposedSynchronizations());
    }

    private static boolean callBefore(TransactionImpl tx, List<Synchronization> synchronizations) {
        for (int i = 0; i < synchronizations.size(); i++) {
            try {
                synchronizations.get(i).beforeCompletion();
            } catch (Throwable e) { // whatever it is, the transaction must still roll back
                log.warn(
                        "beforeCompletion of {} threw; rolling back {}",
                        synchronizations.get(i),
                        tx.transactionId(),
                        e);
                tx.failBeforeCompletion(e);
                return false;
            }
        }
        return true;
    }

    /**
     * Runs every afterCompletion with the final status; anything one throws (an Error too) is
     * logged and ignored, so that the others still run and the outcome the caller sees stands.
     */
    static void afterCompletion(TransactionImpl tx, int status) {
        callAfter(tx, tx.interposedSynchronizations(), status);
        callAfter(tx, tx.synchronizations(), status);
    }

    private static void callAfter(TransactionImpl tx, List<Synchronization> synchronizations, int status) {
        for (int i = 0; i < synchronizations.size(); i++) {
            try {
                synchronizations.get(i).afterCompletion(status);
            } catch (Throwable e) { // the transaction is complete; every callback must run
                log.warn(
                        "afterCompletion of {} threw after {} completed; ignored",
                        synchronizations.get(i),
                        tx.transactionId(),
                        e);
            }
        }
    }
}
