package dev.assent.tm.internal.tx;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAResource;

/**
 * A transaction: its state, branches, enlistments and synchronizations. The state changes only
 * by compare-and-set against the table in {@link TxState}; completing the transaction is the job
 * of the coordinator, seen from here through {@link Completion}.
 *
 * <p>Note on concurrency: a transaction may be used from several threads (the application's, the
 * timeout reaper, a thread the application hands the Transaction object to). The lists are
 * copy-on-write (rare writes, frequent iteration); {@code rollbackReason} and {@code timedOut}
 * are written before the state change that publishes them and read after it.
 */
public final class TransactionImpl implements Transaction {

    private final AssentXid transactionId;
    private final long number;
    private final Completion coordinator;
    private final long deadlineMillis;
    private final int timeoutSeconds;
    private final AtomicReference<TxState> state = new AtomicReference<>(TxState.ACTIVE);
    private final Enlistments enlistments = new Enlistments(this);
    private final List<Synchronization> synchronizations = new CopyOnWriteArrayList<>();
    private final List<Synchronization> interposedSynchronizations = new CopyOnWriteArrayList<>();
    private final Map<Object, Object> resources = new ConcurrentHashMap<>();
    private final CountDownLatch completed = new CountDownLatch(1);
    private volatile Throwable rollbackReason;
    private volatile Throwable beforeCompletionFailure;
    private volatile boolean timedOut;
    private volatile boolean regularSynchronizationsClosed;

    public TransactionImpl(
            AssentXid transactionId, long number, Completion coordinator, long deadlineMillis, int timeoutSeconds) {
        this.transactionId = transactionId;
        this.number = number;
        this.coordinator = coordinator;
        this.deadlineMillis = deadlineMillis;
        this.timeoutSeconds = timeoutSeconds;
    }

    public AssentXid transactionId() {
        return transactionId;
    }

    /** Unique within the transaction manager; orders transactions with equal deadlines. */
    public long number() {
        return number;
    }

    public long deadlineMillis() {
        return deadlineMillis;
    }

    public TxState state() {
        return state.get();
    }

    /**
     * Moves from {@code from} to {@code to} if the transaction is still in {@code from}.
     *
     * @throws IllegalStateException when the table does not allow the move at all
     */
    public boolean transition(TxState from, TxState to) {
        if (!from.canTransitionTo(to)) {
            throw new IllegalStateException("illegal transaction state change " + from + " -> " + to);
        }
        return state.compareAndSet(from, to);
    }

    /** A move made by the thread that owns the completion; losing the race is a bug. */
    public void moveTo(TxState to) {
        TxState from = state.get();
        if (!transition(from, to)) {
            throw new IllegalStateException("transaction " + transactionId + " changed state concurrently from " + from
                    + " to " + state.get() + " while moving to " + to);
        }
    }

    public List<Branch> branches() {
        return enlistments.branches();
    }

    public List<Enlistment> enlistments() {
        return enlistments.enlistments();
    }

    public List<Synchronization> synchronizations() {
        return synchronizations;
    }

    public List<Synchronization> interposedSynchronizations() {
        return interposedSynchronizations;
    }

    public Throwable rollbackReason() {
        return rollbackReason;
    }

    /**
     * What the caller's RollbackException names as its cause: an exception thrown by a
     * beforeCompletion callback wins over an earlier setRollbackOnly() (frameworks such as
     * Hibernate mark the transaction rollback-only and then rethrow the real failure).
     */
    public Throwable rollbackCause() {
        Throwable failure = beforeCompletionFailure;
        return failure != null ? failure : rollbackReason;
    }

    /** A beforeCompletion callback threw: the transaction rolls back and this is why. */
    public void failBeforeCompletion(Throwable failure) {
        if (beforeCompletionFailure == null) {
            beforeCompletionFailure = failure;
        }
        markRollbackOnly(failure);
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** Called once every regular beforeCompletion has run. */
    public void closeRegularSynchronizations() {
        regularSynchronizationsClosed = true;
    }

    public void markTimedOut() {
        this.timedOut = true;
    }

    /** Marks the transaction rollback-only; false when it is already past the point of no return. */
    public boolean markRollbackOnly(Throwable reason) {
        while (true) {
            TxState current = state.get();
            TxState marked;
            if (current == TxState.ACTIVE) {
                marked = TxState.MARKED_ROLLBACK;
            } else if (current == TxState.SYNCHRONIZING) {
                marked = TxState.SYNCHRONIZING_MARKED;
            } else {
                return current.isMarkedRollback() || current == TxState.ROLLING_BACK || current == TxState.ROLLED_BACK;
            }
            if (rollbackReason == null) {
                rollbackReason = reason;
            }
            if (transition(current, marked)) {
                return true;
            }
        }
    }

    public void signalCompleted() {
        completed.countDown();
    }

    /** Waits until another thread (the reaper) has finished completing this transaction. */
    public void awaitCompletion() {
        boolean interrupted = false;
        while (true) {
            try {
                completed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void commit()
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SystemException {
        try {
            coordinator.commit(this);
        } finally {
            coordinator.disassociateIfCurrent(this);
        }
    }

    @Override
    public void rollback() throws SystemException {
        try {
            coordinator.rollback(this);
        } finally {
            coordinator.disassociateIfCurrent(this);
        }
    }

    @Override
    public void setRollbackOnly() {
        if (!markRollbackOnly(new IllegalStateException("the application called setRollbackOnly()"))) {
            throw new IllegalStateException("transaction " + transactionId + " is " + state.get()
                    + " and can no longer be marked rollback-only");
        }
    }

    @Override
    public int getStatus() {
        return state.get().jtaStatus();
    }

    @Override
    public void registerSynchronization(Synchronization synchronization) throws RollbackException {
        Objects.requireNonNull(synchronization, "synchronization");
        requireAcceptsWork("register a synchronization");
        if (regularSynchronizationsClosed) {
            throw new IllegalStateException("cannot register a synchronization on " + transactionId
                    + " once interposed beforeCompletion callbacks run; register it as interposed instead");
        }
        synchronizations.add(synchronization);
    }

    /** TransactionSynchronizationRegistry.registerInterposedSynchronization: allowed while marked. */
    public void registerInterposedSynchronization(Synchronization synchronization) {
        Objects.requireNonNull(synchronization, "synchronization");
        TxState current = state.get();
        if (!current.acceptsWork() && !current.isMarkedRollback()) {
            throw new IllegalStateException(
                    "cannot register a synchronization: transaction " + transactionId + " is " + current);
        }
        interposedSynchronizations.add(synchronization);
    }

    public Object getResource(Object key) {
        return resources.get(Objects.requireNonNull(key, "key"));
    }

    public void putResource(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            resources.remove(key);
        } else {
            resources.put(key, value);
        }
    }

    @Override
    public boolean enlistResource(XAResource resource) throws RollbackException, SystemException {
        return enlistments.enlist(resource);
    }

    @Override
    public boolean delistResource(XAResource resource, int flag) {
        return enlistments.delist(resource, flag);
    }

    /** Enlistment closes before the associations are ended at commit (see {@link Enlistments}). */
    public void closeEnlistment() {
        enlistments.close();
    }

    Completion coordinator() {
        return coordinator;
    }

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    void requireAcceptsWork(String action) throws RollbackException {
        TxState current = state.get();
        if (current.acceptsWork()) {
            return;
        }
        if (current.isMarkedRollback() || timedOut) {
            RollbackException e = new RollbackException("cannot " + action + ": transaction " + transactionId
                    + (timedOut ? " timed out and was rolled back" : " is marked rollback-only"));
            e.initCause(rollbackReason);
            throw e;
        }
        throw new IllegalStateException("cannot " + action + ": transaction " + transactionId + " is " + current);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransactionImpl that && transactionId.equals(that.transactionId);
    }

    @Override
    public int hashCode() {
        return transactionId.hashCode();
    }

    @Override
    public String toString() {
        return "Transaction[" + transactionId + ", " + state.get() + "]";
    }
}
