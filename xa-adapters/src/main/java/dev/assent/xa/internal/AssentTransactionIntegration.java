package dev.assent.xa.internal;

import dev.assent.xa.profile.DatabaseProfile;
import io.agroal.api.transaction.TransactionAware;
import io.agroal.api.transaction.TransactionIntegration;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAResource;

/**
 * Connects one Agroal pool to a Jakarta transaction manager: a connection taken inside a
 * transaction is enlisted as one branch (one per transaction and pool), the same connection is
 * handed out for every further getConnection() in that transaction, and it goes back to the pool
 * when the transaction completes (an interposed synchronization).
 *
 * <p>The per-transaction state lives in the TransactionSynchronizationRegistry under a key that
 * belongs to this integration alone, so several pools and several transaction managers run side by
 * side without any shared state.
 *
 * <p>Inside a transaction that was rolled back (timed out, or marked and completed by another
 * thread), getConnection() fails instead of handing out a connection that would work outside it.
 */
public final class AssentTransactionIntegration implements TransactionIntegration {
    private final TransactionManager transactionManager;
    private final TransactionSynchronizationRegistry registry;
    private final String name;
    private final DatabaseProfile profile;
    private final RegistryKey key;
    private final ReturnGuard returns = new ReturnGuard();
    // Set once by the pool at start-up (its own thread), read by the builder afterwards.
    private final AtomicReference<ResourceRecoveryFactory> recoveryFactory = new AtomicReference<>();

    public AssentTransactionIntegration(
            TransactionManager transactionManager,
            TransactionSynchronizationRegistry registry,
            String name,
            DatabaseProfile profile) {
        this.transactionManager = transactionManager;
        this.registry = registry;
        this.name = name;
        this.profile = profile;
        this.key = new RegistryKey(name);
    }

    /** The pool's source of recovery connections, once the pool has started; else null. */
    public ResourceRecoveryFactory recoveryFactory() {
        return recoveryFactory.get();
    }

    @Override
    public TransactionAware getTransactionAware() throws SQLException {
        Transaction tx = currentTransaction();
        if (tx == null) {
            return null;
        }
        return switch (phaseOf(tx)) {
            case WORKING -> {
                EnlistedBranch branch = (EnlistedBranch) registry.getResource(key);
                yield branch == null ? null : branch.aware();
            }
            case ROLLED_BACK -> throw rolledBack(tx);
            // Completing or completed: a connection used now (afterCompletion code) is not enlisted.
            case COMPLETING -> null;
        };
    }

    @Override
    public void associate(TransactionAware aware, XAResource xaResource) throws SQLException {
        Transaction tx = currentTransaction();
        if (tx != null) {
            switch (phaseOf(tx)) {
                case WORKING -> enlist(tx, aware, xaResource);
                case ROLLED_BACK -> throw rolledBack(tx);
                case COMPLETING -> {
                    // handed out unenlisted, like any connection outside a transaction
                }
            }
        }
        aware.transactionCheckCallback(this::inWorkingTransaction);
    }

    private void enlist(Transaction tx, TransactionAware aware, XAResource xaResource) throws SQLException {
        EnlistedBranch branch = (EnlistedBranch) registry.getResource(key);
        if (branch != null && branch.aware() == aware) {
            branch.heldBy(Thread.currentThread());
            aware.transactionStart();
            if (branch.state() != EnlistedBranch.State.ACTIVE) {
                // Someone delisted it (TMSUSPEND or TMSUCCESS): re-associate (TMRESUME or TMJOIN).
                enlistOrThrow(tx, branch);
            }
            return;
        }
        if (branch != null) {
            throw new SQLException(
                    "DataSource '" + name + "': the pool offered a second connection inside one transaction");
        }
        branch = new EnlistedBranch(name, aware, xaResource, profile, returns);
        try {
            registry.registerInterposedSynchronization(branch);
        } catch (RuntimeException e) {
            throw new SQLException(
                    "DataSource '" + name + "' cannot join transaction " + tx + ": " + e.getMessage(), e);
        }
        // From here the synchronization hands the connection back when the transaction ends,
        // whatever happens to the enlistment.
        registry.putResource(key, branch);
        try {
            enlistOrThrow(tx, branch);
        } catch (SQLException | RuntimeException e) {
            registry.putResource(key, null);
            // Flushed, so that the pool does not take it back now: the synchronization destroys it.
            aware.setFlushOnly();
            throw e;
        }
    }

    private void enlistOrThrow(Transaction tx, EnlistedBranch branch) throws SQLException {
        boolean enlisted;
        try {
            enlisted = tx.enlistResource(branch);
        } catch (RollbackException e) {
            throw new SQLException(
                    "DataSource '" + name + "': the transaction is rolled back or marked for rollback, so no"
                            + " connection is enlisted in it (" + e.getMessage() + ")",
                    "40000",
                    e);
        } catch (SystemException e) {
            throw new SQLException("DataSource '" + name + "' could not enlist its connection: " + e.getMessage(), e);
        }
        if (!enlisted) {
            throw new SQLException("DataSource '" + name + "': the transaction manager refused the connection");
        }
    }

    /** Called by the pool as a connection comes back; false vetoes a second return of one connection. */
    @Override
    public boolean disassociate(TransactionAware aware) {
        return returns.mayReturn(aware);
    }

    @Override
    public void addResourceRecoveryFactory(ResourceRecoveryFactory factory) {
        recoveryFactory.set(factory);
    }

    @Override
    public void removeResourceRecoveryFactory(ResourceRecoveryFactory factory) {
        recoveryFactory.compareAndSet(factory, null);
    }

    /** Agroal asks before each use of a connection whether the thread works in a transaction. */
    private boolean inWorkingTransaction() throws SQLException {
        Transaction tx = currentTransaction();
        return tx != null && phaseOf(tx) == Phase.WORKING;
    }

    private enum Phase {
        WORKING,
        COMPLETING,
        ROLLED_BACK
    }

    private Phase phaseOf(Transaction tx) throws SQLException {
        int status;
        try {
            status = tx.getStatus();
        } catch (SystemException e) {
            throw new SQLException("DataSource '" + name + "' cannot read the transaction's status", e);
        }
        return switch (status) {
            case Status.STATUS_ACTIVE, Status.STATUS_MARKED_ROLLBACK -> Phase.WORKING;
            case Status.STATUS_ROLLING_BACK, Status.STATUS_ROLLEDBACK -> Phase.ROLLED_BACK;
            default -> Phase.COMPLETING;
        };
    }

    private Transaction currentTransaction() throws SQLException {
        try {
            return transactionManager.getTransaction();
        } catch (SystemException e) {
            throw new SQLException("DataSource '" + name + "' cannot ask for the current transaction", e);
        }
    }

    private SQLException rolledBack(Transaction tx) {
        return new SQLException(
                "DataSource '" + name + "': transaction " + tx + " was rolled back (timed out?); no connection is"
                        + " handed out until the thread ends it with commit() or rollback()",
                "40000");
    }

    /** Identity key in the registry: equal only to itself. */
    private static final class RegistryKey {
        private final String name;

        RegistryKey(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return "assent-datasource:" + name;
        }
    }
}
