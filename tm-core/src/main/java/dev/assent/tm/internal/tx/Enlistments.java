package dev.assent.tm.internal.tx;

import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import dev.assent.tm.spi.NamedXAResource;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The branches of one transaction and the XAResource objects associated with them: enlist (a new
 * branch, TMJOIN into a branch of the same resource manager, TMRESUME or TMJOIN of a known
 * resource) and delist.
 *
 * <p>Note on concurrency: enlistment races completion. Completion (a commit after its
 * beforeCompletion callbacks, or a rollback by the timeout reaper) first closes the gate (the
 * {@code enlistmentClosed} flag, or the transaction's state leaving ACTIVE) and then walks the
 * enlistments to end them. An enlisting thread first publishes its association as STARTING and
 * then reads the gate. Both are volatile accesses, so at least one side sees the other: either the
 * enlisting thread sees the gate closed and backs out before calling {@code start}, or completion
 * sees the STARTING association, marks it ABANDONED and the transaction rollback-only, and the
 * enlisting thread, finding its association abandoned after {@code start}, rolls its branch back
 * itself. Lists are copy-on-write: written rarely, walked often.
 */
final class Enlistments {
    private static final Logger log = LoggerFactory.getLogger(Enlistments.class);
    private static final int MAX_BRANCH_QUALIFIER_ATTEMPTS = 3;

    private final TransactionImpl tx;
    private final AtomicInteger branchNumbers = new AtomicInteger();
    private final List<Branch> branches = new CopyOnWriteArrayList<>();
    private final List<Enlistment> enlistments = new CopyOnWriteArrayList<>();
    // Written once by the committing thread, read by enlisting threads.
    private volatile boolean enlistmentClosed;

    Enlistments(TransactionImpl tx) {
        this.tx = tx;
    }

    List<Branch> branches() {
        return branches;
    }

    List<Enlistment> enlistments() {
        return enlistments;
    }

    /** From now on no resource joins the transaction; called before the associations are ended. */
    void close() {
        enlistmentClosed = true;
    }

    private boolean open() {
        return !enlistmentClosed && tx.state().acceptsWork();
    }

    boolean enlist(XAResource resource) throws RollbackException, SystemException {
        Objects.requireNonNull(resource, "resource");
        requireOpen();
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

    boolean delist(XAResource resource, int flag) {
        Objects.requireNonNull(resource, "resource");
        if (flag != XAResource.TMSUCCESS && flag != XAResource.TMFAIL && flag != XAResource.TMSUSPEND) {
            throw new IllegalArgumentException("delistResource takes TMSUCCESS, TMFAIL or TMSUSPEND, not " + flag);
        }
        TxState current = tx.state();
        if (!current.acceptsWork() && !current.isMarkedRollback()) {
            throw new IllegalStateException(
                    "cannot delist a resource: transaction " + tx.transactionId() + " is " + current);
        }
        Enlistment enlistment = enlistmentOf(resource);
        if (enlistment == null) {
            throw new IllegalStateException("the resource " + resource + " is not enlisted in " + tx.transactionId());
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
            tx.markRollbackOnly(e);
            return false;
        }
        if (flag == XAResource.TMFAIL) {
            tx.markRollbackOnly(new IllegalStateException("a resource was delisted with TMFAIL"));
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
            throw new IllegalStateException("the resource is " + current + " in " + tx.transactionId());
        }
        if (!enlistment.move(current, Enlistment.Association.STARTING)) {
            throw new IllegalStateException("the resource was enlisted or delisted concurrently");
        }
        if (!open()) {
            if (!enlistment.move(Enlistment.Association.STARTING, current)
                    && current == Enlistment.Association.SUSPENDED) {
                // Completion abandoned the association instead of ending it: end it here.
                endQuietly(enlistment);
            }
            throw lateEnlistment();
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
        if (!open()) {
            enlistments.remove(enlistment);
            throw lateEnlistment();
        }
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
                    XidFactory.branchXid(tx.transactionId(), branchNumbers.incrementAndGet()),
                    resource,
                    resource instanceof NamedXAResource named
                            ? named.resourceManagerName()
                            : tx.coordinator().resourceManagerNameOf(resource));
            Enlistment enlistment = new Enlistment(resource, branch, Enlistment.Association.STARTING);
            enlistments.add(enlistment);
            if (!open()) {
                // Never started: the resource is left untouched.
                enlistments.remove(enlistment);
                throw lateEnlistment();
            }
            branches.add(branch);
            passTimeout(resource);
            try {
                resource.start(branch.xid(), XAResource.TMNOFLAGS);
            } catch (XAException e) {
                if (XaOutcomes.startFailure(e) == XaOutcomes.Association.ROLLBACK_ONLY) {
                    // The resource manager now holds the Xid as a rollback-only branch: keep it so
                    // that the rollback reaches it; if completion abandoned it meanwhile, it left
                    // the rollback to this thread.
                    if (!enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ENDED)) {
                        tx.coordinator().rollbackAbandoned(enlistment);
                    }
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
            tx.coordinator().listener().enlisted(branch.xid(), branch.resourceManagerName());
            return;
        }
        throw systemException(
                "the resource manager refused " + MAX_BRANCH_QUALIFIER_ATTEMPTS
                        + " fresh branch qualifiers as duplicates (XAER_DUPID)",
                lastDuplicate);
    }

    private void passTimeout(XAResource resource) {
        long remainingMillis = tx.deadlineMillis() - tx.coordinator().nowMillis();
        int seconds = (int) Math.max(1, Math.min(tx.timeoutSeconds(), (remainingMillis + 999) / 1000));
        try {
            resource.setTransactionTimeout(seconds);
        } catch (XAException e) {
            log.debug("resource {} refused a transaction timeout ({})", resource, XaCode.nameOf(e.errorCode));
        }
    }

    /** Makes a started association ACTIVE, unless a concurrent completion abandoned it meanwhile. */
    private void activate(Enlistment enlistment) throws RollbackException {
        if (enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ACTIVE)) {
            return;
        }
        // Completion began while start() ran: it could not end this association, so this thread
        // cleans the branch up.
        tx.coordinator().rollbackAbandoned(enlistment);
        throw new RollbackException("transaction " + tx.transactionId()
                + " began to complete (commit, rollback or timeout) while a resource was being enlisted;"
                + " it is rolled back");
    }

    private static void endQuietly(Enlistment enlistment) {
        try {
            enlistment.resource().end(enlistment.branch().xid(), XAResource.TMFAIL);
        } catch (XAException e) {
            log.debug("end(TMFAIL) of {} answered {}", enlistment.branch(), XaCode.nameOf(e.errorCode));
        } catch (Throwable e) { // a broken driver; the transaction rolls back anyway
            log.warn("end(TMFAIL) of {} failed", enlistment.branch(), e);
        }
    }

    private void requireOpen() throws RollbackException {
        tx.requireAcceptsWork("enlist a resource");
        if (enlistmentClosed) {
            throw lateEnlistmentUnchecked();
        }
    }

    /** The exception for an enlistment that lost the race with completion. */
    private RollbackException lateEnlistment() throws RollbackException {
        tx.requireAcceptsWork("enlist a resource");
        throw lateEnlistmentUnchecked();
    }

    private IllegalStateException lateEnlistmentUnchecked() {
        return new IllegalStateException("cannot enlist a resource: transaction " + tx.transactionId()
                + " is completing (its beforeCompletion callbacks have run)");
    }

    /** Throws RollbackException when the branch is rollback-only; else returns what to throw. */
    private SystemException startFailed(Branch branch, int flag, XAException e) throws RollbackException {
        XaOutcomes.Association meaning = XaOutcomes.startFailure(e);
        if (meaning == XaOutcomes.Association.ROLLBACK_ONLY) {
            tx.markRollbackOnly(e);
            RollbackException rollback = new RollbackException("start(" + flagName(flag) + ") of " + branch
                    + " failed with " + XaCode.nameOf(e.errorCode) + ": the transaction is rollback-only");
            rollback.initCause(e);
            throw rollback;
        }
        return systemException(
                "start(" + flagName(flag) + ") of " + branch + " failed with " + XaCode.nameOf(e.errorCode), e);
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

    private static SystemException systemException(String message, Throwable cause) {
        SystemException e = new SystemException(message);
        e.initCause(cause);
        return e;
    }
}
