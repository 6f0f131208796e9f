package dev.assent.tm.internal.tx;

import dev.assent.tm.internal.coordinator.Coordinator;
import dev.assent.tm.internal.coordinator.XaCode;
import dev.assent.tm.internal.coordinator.XaOutcomes;
import dev.assent.tm.spi.NamedXAResource;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transaction: its state, branches, enlistments and synchronizations. The state changes only
 * by compare-and-set against the table in {@link TxState}; completing the transaction is the
 * {@link Coordinator}'s job.
 *
 * <p>Note on concurrency: a transaction may be used from several threads (the application's, the
 * timeout reaper, a thread the application hands the Transaction object to). The lists are
 * copy-on-write (rare writes, frequent iteration); {@code rollbackReason} and {@code timedOut}
 * are written before the state change that publishes them and read after it.
 */
public final class TransactionImpl implements Transaction {
    private static final Logger log = LoggerFactory.getLogger(TransactionImpl.class);
    private static final int MAX_BRANCH_QUALIFIER_ATTEMPTS = 3;

    private final AssentXid transactionId;
    private final long number;
    private final Coordinator coordinator;
    private final long deadlineMillis;
    private final int timeoutSeconds;
    private final AtomicReference<TxState> state = new AtomicReference<>(TxState.ACTIVE);
    private final AtomicInteger branchNumbers = new AtomicInteger();
    private final List<Branch> branches = new CopyOnWriteArrayList<>();
    private final List<Enlistment> enlistments = new CopyOnWriteArrayList<>();
    private final List<Synchronization> synchronizations = new CopyOnWriteArrayList<>();
    private final List<Synchronization> interposedSynchronizations = new CopyOnWriteArrayList<>();
    private final Map<Object, Object> resources = new ConcurrentHashMap<>();
    private final CountDownLatch completed = new CountDownLatch(1);
    private volatile Throwable rollbackReason;
    private volatile boolean timedOut;
    private volatile boolean regularSynchronizationsClosed;

    public TransactionImpl(
            AssentXid transactionId, long number, Coordinator coordinator, long deadlineMillis, int timeoutSeconds) {
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
        return branches;
    }

    public List<Enlistment> enlistments() {
        return enlistments;
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
        Objects.requireNonNull(resource, "resource");
        requireAcceptsWork("enlist a resource");
        Enlistment existing = enlistmentOf(resource);
        if (existing != null) {
            return reassociate(existing);
        }
        for (Branch branch : branches) {
            if (isSameResourceManager(branch.resource(), resource) && join(branch, resource)) {
                return true;
            }
        }
        startNewBranch(resource);
        return true;
    }

    @Override
    public boolean delistResource(XAResource resource, int flag) throws SystemException {
        Objects.requireNonNull(resource, "resource");
        if (flag != XAResource.TMSUCCESS && flag != XAResource.TMFAIL && flag != XAResource.TMSUSPEND) {
            throw new IllegalArgumentException("delistResource takes TMSUCCESS, TMFAIL or TMSUSPEND, not " + flag);
        }
        TxState current = state.get();
        if (!current.acceptsWork() && !current.isMarkedRollback()) {
            throw new IllegalStateException(
                    "cannot delist a resource: transaction " + transactionId + " is " + current);
        }
        Enlistment enlistment = enlistmentOf(resource);
        if (enlistment == null) {
            throw new IllegalStateException("the resource " + resource + " is not enlisted in " + transactionId);
        }
        Enlistment.Association target =
                flag == XAResource.TMSUSPEND ? Enlistment.Association.SUSPENDED : Enlistment.Association.ENDED;
        boolean moved = enlistment.move(Enlistment.Association.ACTIVE, target)
                || (target == Enlistment.Association.ENDED
                        && enlistment.move(Enlistment.Association.SUSPENDED, Enlistment.Association.ENDED));
        if (!moved) {
            throw new IllegalStateException(
                    "the resource " + resource + " is " + enlistment.association() + " and cannot be delisted");
        }
        try {
            resource.end(enlistment.branch().xid(), flag);
        } catch (XAException e) {
            XaOutcomes.Association meaning = XaOutcomes.endFailure(e);
            log.warn(
                    "end({}) of {} failed with {}: transaction marked rollback-only ({})",
                    flagName(flag),
                    enlistment.branch(),
                    XaCode.nameOf(e.errorCode),
                    meaning);
            markRollbackOnly(e);
            return false;
        }
        if (flag == XAResource.TMFAIL) {
            markRollbackOnly(new IllegalStateException("a resource was delisted with TMFAIL"));
        }
        return true;
    }

    private Enlistment enlistmentOf(XAResource resource) {
        for (Enlistment enlistment : enlistments) {
            if (enlistment.resource() == resource) {
                return enlistment;
            }
        }
        return null;
    }

    private boolean reassociate(Enlistment enlistment) throws RollbackException, SystemException {
        Enlistment.Association current = enlistment.association();
        int flag;
        if (current == Enlistment.Association.ACTIVE) {
            return true; // already associated: enlisting twice is harmless
        } else if (current == Enlistment.Association.SUSPENDED) {
            flag = XAResource.TMRESUME;
        } else if (current == Enlistment.Association.ENDED) {
            flag = XAResource.TMJOIN;
        } else {
            throw new IllegalStateException("the resource is " + current + " in " + transactionId);
        }
        if (!enlistment.move(current, Enlistment.Association.STARTING)) {
            throw new IllegalStateException("the resource was enlisted or delisted concurrently");
        }
        try {
            enlistment.resource().start(enlistment.branch().xid(), flag);
        } catch (XAException e) {
            enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ENDED);
            throw startFailed(enlistment.branch(), flag, e);
        }
        activate(enlistment);
        return true;
    }

    private boolean join(Branch branch, XAResource resource) throws RollbackException {
        Enlistment enlistment = new Enlistment(resource, branch, Enlistment.Association.STARTING);
        enlistments.add(enlistment);
        try {
            resource.start(branch.xid(), XAResource.TMJOIN);
        } catch (XAException e) {
            // Some drivers say isSameRM but refuse TMJOIN across connections: use a branch of its own.
            enlistments.remove(enlistment);
            log.debug("TMJOIN of {} refused with {}; starting a separate branch", branch, XaCode.nameOf(e.errorCode));
            return false;
        }
        activate(enlistment);
        return true;
    }

    private void startNewBranch(XAResource resource) throws RollbackException, SystemException {
        XAException lastDuplicate = null;
        for (int attempt = 0; attempt < MAX_BRANCH_QUALIFIER_ATTEMPTS; attempt++) {
            Branch branch = new Branch(
                    XidFactory.branchXid(transactionId, branchNumbers.incrementAndGet()),
                    resource,
                    resource instanceof NamedXAResource named
                            ? named.resourceManagerName()
                            : coordinator.resourceManagerNameOf(resource));
            passTimeout(resource);
            Enlistment enlistment = new Enlistment(resource, branch, Enlistment.Association.STARTING);
            branches.add(branch);
            enlistments.add(enlistment);
            try {
                resource.start(branch.xid(), XAResource.TMNOFLAGS);
            } catch (XAException e) {
                if (XaOutcomes.startFailure(e) == XaOutcomes.Association.ROLLBACK_ONLY) {
                    // The resource manager now holds the Xid as a rollback-only branch: keep it so
                    // that the rollback reaches it.
                    enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ENDED);
                    throw startFailed(branch, XAResource.TMNOFLAGS, e);
                }
                branches.remove(branch);
                enlistments.remove(enlistment);
                if (XaOutcomes.startFailure(e) == XaOutcomes.Association.DUPLICATE_XID) {
                    lastDuplicate = e;
                    continue;
                }
                throw startFailed(branch, XAResource.TMNOFLAGS, e);
            }
            activate(enlistment);
            coordinator.listener().enlisted(branch.xid(), branch.resourceManagerName());
            return;
        }
        throw systemException(
                "the resource manager refused " + MAX_BRANCH_QUALIFIER_ATTEMPTS
                        + " fresh branch qualifiers as duplicates (XAER_DUPID)",
                lastDuplicate);
    }

    private void passTimeout(XAResource resource) {
        long remainingMillis = deadlineMillis - coordinator.nowMillis();
        int seconds = (int) Math.max(1, Math.min(timeoutSeconds, (remainingMillis + 999) / 1000));
        try {
            resource.setTransactionTimeout(seconds);
        } catch (XAException e) {
            log.debug("resource {} refused a transaction timeout ({})", resource, XaCode.nameOf(e.errorCode));
        }
    }

    /** Makes a started association ACTIVE, unless a concurrent rollback abandoned it meanwhile. */
    private void activate(Enlistment enlistment) throws RollbackException {
        if (enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ACTIVE)) {
            return;
        }
        // The reaper rolled the transaction back while start() ran: it could not end this
        // association, so this thread cleans the branch up.
        coordinator.rollbackAbandoned(enlistment);
        throw rollbackException("transaction " + transactionId + " was rolled back while a resource was enlisted");
    }

    /** Throws RollbackException when the branch is rollback-only; else returns what to throw. */
    private SystemException startFailed(Branch branch, int flag, XAException e) throws RollbackException {
        XaOutcomes.Association meaning = XaOutcomes.startFailure(e);
        if (meaning == XaOutcomes.Association.ROLLBACK_ONLY) {
            markRollbackOnly(e);
            RollbackException rollback = rollbackException("start(" + flagName(flag) + ") of " + branch
                    + " failed with " + XaCode.nameOf(e.errorCode) + ": the transaction is rollback-only");
            rollback.initCause(e);
            throw rollback;
        }
        return systemException(
                "start(" + flagName(flag) + ") of " + branch + " failed with " + XaCode.nameOf(e.errorCode), e);
    }

    private void requireAcceptsWork(String action) throws RollbackException {
        TxState current = state.get();
        if (current.acceptsWork()) {
            return;
        }
        if (current.isMarkedRollback() || timedOut) {
            RollbackException e = rollbackException("cannot " + action + ": transaction " + transactionId
                    + (timedOut ? " timed out and was rolled back" : " is marked rollback-only"));
            e.initCause(rollbackReason);
            throw e;
        }
        throw new IllegalStateException("cannot " + action + ": transaction " + transactionId + " is " + current);
    }

    private static boolean isSameResourceManager(XAResource enlisted, XAResource candidate) {
        try {
            return enlisted.isSameRM(candidate);
        } catch (XAException e) {
            return false;
        }
    }

    static String flagName(int flag) {
        switch (flag) {
            case XAResource.TMSUCCESS:
                return "TMSUCCESS";
            case XAResource.TMFAIL:
                return "TMFAIL";
            case XAResource.TMSUSPEND:
                return "TMSUSPEND";
            case XAResource.TMRESUME:
                return "TMRESUME";
            case XAResource.TMJOIN:
                return "TMJOIN";
            case XAResource.TMNOFLAGS:
                return "TMNOFLAGS";
            default:
                return "flag " + flag;
        }
    }

    private static RollbackException rollbackException(String message) {
        return new RollbackException(message);
    }

    private static SystemException systemException(String message, Throwable cause) {
        SystemException e = new SystemException(message);
        e.initCause(cause);
        return e;
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
