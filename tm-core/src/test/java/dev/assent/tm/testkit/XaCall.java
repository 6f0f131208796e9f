package dev.assent.tm.testkit;

import javax.transaction.xa.Xid;

/**
 * One call an XAResource received, as a {@link XaJournal} keeps it.
 *
 * @param resource the label of the {@link ScriptedXAResource} that received it
 * @param verb which XAResource method
 * @param xid the Xid passed, or null for verbs without one
 * @param flags the flags of start, end and recover; {@code TMONEPHASE} or {@code TMNOFLAGS} for
 *     commit; the seconds of setTransactionTimeout; 0 otherwise
 * @param thread the name of the calling thread
 */
public record XaCall(String resource, Verb verb, Xid xid, int flags, String thread) {

    /** The methods of {@link javax.transaction.xa.XAResource}. */
    public enum Verb {
        START,
        END,
        PREPARE,
        COMMIT,
        ROLLBACK,
        FORGET,
        RECOVER,
        IS_SAME_RM,
        SET_TRANSACTION_TIMEOUT,
        GET_TRANSACTION_TIMEOUT;

        /** The verbs of the XA protocol proper, as opposed to the queries around it. */
        public boolean isProtocol() {
            return this != IS_SAME_RM && this != SET_TRANSACTION_TIMEOUT && this != GET_TRANSACTION_TIMEOUT;
        }
    }
}
