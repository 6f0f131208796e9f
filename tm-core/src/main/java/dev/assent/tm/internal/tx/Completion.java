package dev.assent.tm.internal.tx;

import dev.assent.tm.spi.TransactionListener;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import javax.transaction.xa.XAResource;

/**
 * What a transaction needs from whoever completes it (the coordinator). Transactions only know
 * this interface, so that the coordinator depends on this package and never the other way round.
 */
public interface Completion {

    /** Transaction.commit(): the whole protocol (docs/protocols.md §1). */
    void commit(TransactionImpl tx)
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SystemException;

    /** Transaction.rollback() by the application. */
    void rollback(TransactionImpl tx) throws SystemException;

    /** Leaves the calling thread without a transaction if it was working in {@code tx}. */
    void disassociateIfCurrent(TransactionImpl tx);

    /** Cleans up after an enlistment whose start() lost the race with completion. */
    void rollbackAbandoned(Enlistment enlistment);

    /** The registered recovery name of an unnamed resource's manager (isSameRM), or null. */
    String resourceManagerNameOf(XAResource resource);

    long nowMillis();

    TransactionListener listener();
}
