package dev.assent.tm;

import dev.assent.tm.internal.tx.ThreadAssociation;
import dev.assent.tm.internal.tx.TransactionImpl;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** The TransactionSynchronizationRegistry: per-transaction resources and interposed synchronizations. */
final class AssentSynchronizationRegistry implements TransactionSynchronizationRegistry {
    private final ThreadAssociation association;

    AssentSynchronizationRegistry(ThreadAssociation association) {
        this.association = association;
    }

    /** The transaction's global Xid: unique, with value equality, as the specification asks. */
    @Override
    public Object getTransactionKey() {
        TransactionImpl current = association.current();
        return current == null ? null : current.transactionId();
    }

    @Override
    public void putResource(Object key, Object value) {
        required("put a resource").putResource(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return required("get a resource").getResource(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        required("register a synchronization").registerInterposedSynchronization(sync);
    }

    @Override
    public int getTransactionStatus() {
        TransactionImpl current = association.current();
        return current == null ? Status.STATUS_NO_TRANSACTION : current.getStatus();
    }

    @Override
    public void setRollbackOnly() {
        required("mark rollback-only").setRollbackOnly();
    }

    @Override
    public boolean getRollbackOnly() {
        return required("read rollback-only").state().isMarkedRollback();
    }

    private TransactionImpl required(String action) {
        TransactionImpl current = association.current();
        if (current == null) {
            throw new IllegalStateException("cannot " + action + ": the thread has no transaction");
        }
        return current;
    }
}
