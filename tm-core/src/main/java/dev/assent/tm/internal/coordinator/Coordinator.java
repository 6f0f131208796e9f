package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.recovery.RecoveryLedger;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.tx.Completion;
import dev.assent.tm.internal.tx.Enlistment;
import dev.assent.tm.internal.tx.ThreadAssociation;
import dev.assent.tm.internal.tx.TransactionImpl;
import dev.assent.tm.internal.tx.TxState;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import dev.assent.tm.spi.TransactionListener;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes transactions: picks one-phase or two-phase commit, runs the phases, writes the commit
 * decision, and turns what the resources said into the outcome the application sees
 * (docs/protocols.md §1). One instance per transaction manager.
 */
public final class Coordinator implements Completion, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final TransactionLog transactionLog;
    private final RecoveryLedger ledger;
    private final Function<XAResource, String> resourceManagerNames;
    private final TransactionListener listener;
    private final XidFactory xids;
    private final Clock clock;
    private final ThreadAssociation association;
    private final PhaseRunner runner;
    private final PreparePhase preparePhase;
    private final CommitPhase commitPhase;
    private final RollbackPhase rollbackPhase;
    private final TimeoutReaper reaper;
    private final Aftermath aftermath;
    private final Map<AssentXid, TransactionImpl> inFlight;
    private final AtomicLong transactionNumbers = new AtomicLong();

    public Coordinator(
            TransactionLog transactionLog,
            RecoveryLedger ledger,
            Function<XAResource, String> resourceManagerNames,
            TransactionListener listener,
            XidFactory xids,
            Clock clock,
            ThreadAssociation association,
            Map<AssentXid, TransactionImpl> inFlight,
            int parallelism,
            Duration timeoutCheckInterval) {
        this.transactionLog = transactionLog;
        this.ledger = ledger;
        this.resourceManagerNames = resourceManagerNames;
        this.listener = listener;
        this.xids = xids;
        this.clock = clock;
        this.association = association;
        this.inFlight = inFlight;
        this.runner = new PhaseRunner(parallelism);
        this.preparePhase = new PreparePhase(runner, listener);
        this.commitPhase = new CommitPhase(runner);
        this.rollbackPhase = new RollbackPhase(runner);
        this.aftermath = new Aftermath(transactionLog, ledger, listener);
        this.reaper = new TimeoutReaper(inFlight, clock, timeoutCheckInterval, this::timeout);
    }

    @Override
    public TransactionListener listener() {
        return listener;
    }

    /** The registered recovery name of an unnamed resource's manager (isSameRM), or null. */
    @Override
    public String resourceManagerNameOf(XAResource resource) {
        return resourceManagerNames.apply(resource);
    }

    @Override
    public long nowMillis() {
        return clock.millis();
    }

    /** Transactions begun and not yet completed. */
    public Map<AssentXid, TransactionImpl> inFlight() {
        return inFlight;
    }

    /** Transactions past their deadline that the reaper has not finished yet. */
    public int awaitingTimeout() {
        return reaper.overdue();
    }

    public TransactionImpl begin(int timeoutSeconds) {
        AssentXid id = xids.newGlobalXid();
        long deadline = clock.millis() + timeoutSeconds * 1000L;
        TransactionImpl tx =
                new TransactionImpl(id, transactionNumbers.incrementAndGet(), this, deadline, timeoutSeconds);
        inFlight.put(id, tx);
        listener.begun(id);
        return tx;
    }

    @Override
    public void disassociateIfCurrent(TransactionImpl tx) {
        association.disassociateIfCurrent(tx);
    }

    /** Transaction.commit(): docs/protocols.md §1, steps 1 to 8. */
    @Override
    public void commit(TransactionImpl tx)
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SystemException {
        if (clock.millis() >= tx.deadlineMillis()) {
            // Expired, and the reaper has not come round yet: a late commit must not succeed.
            timeout(tx);
        }
        if (!tx.transition(TxState.ACTIVE, TxState.SYNCHRONIZING)) {
            commitWhenNotActive(tx);
            return;
        }
        Synchronizations.beforeCompletion(tx);
        tx.closeEnlistment();
        // TMFAIL tells the resource managers at once that this work will not be committed.
        endAssociations(tx, tx.state().isMarkedRollback() ? XAResource.TMFAIL : XAResource.TMSUCCESS);
        List<Branch> branches = List.copyOf(tx.branches());
        TxState next = branches.size() > 1 ? TxState.PREPARING : TxState.COMMITTING;
        if (!tx.transition(TxState.SYNCHRONIZING, next)) {
            tx.moveTo(TxState.ROLLING_BACK);
            throw rolledBack(tx, branches, "transaction " + tx.transactionId() + " was marked rollback-only");
        }
        if (next == TxState.COMMITTING) {
            commitOnePhase(tx, branches);
        } else {
            commitTwoPhase(tx, branches);
        }
    }

    private void commitWhenNotActive(TransactionImpl tx) throws RollbackException, HeuristicMixedException {
        while (true) {
            TxState current = tx.state();
            if (current == TxState.MARKED_ROLLBACK) {
                if (tx.transition(TxState.MARKED_ROLLBACK, TxState.ROLLING_BACK)) {
                    throw rolledBack(tx, null, "transaction " + tx.transactionId() + " was marked rollback-only");
                }
            } else if (tx.timedOut() && (current == TxState.ROLLING_BACK || current == TxState.ROLLED_BACK)) {
                tx.awaitCompletion();
                throw withCause(
                        new RollbackException("transaction " + tx.transactionId() + " timed out and was rolled back"),
                        tx.rollbackReason());
            } else if (current != TxState.ACTIVE) {
                throw new IllegalStateException(
                        "cannot commit transaction " + tx.transactionId() + ": it is " + current);
            }
        }
    }

    private void commitOnePhase(TransactionImpl tx, List<Branch> branches)
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException {
        if (branches.isEmpty()) {
            tx.moveTo(TxState.COMMITTED);
            listener.decided(tx.transactionId(), true);
            finish(tx, Status.STATUS_COMMITTED);
            return;
        }
        Branch only = branches.get(0);
        commitPhase.onePhase(only);
        switch (only.completion()) {
            case COMMITTED, HEURISTIC_AGREES -> {
                aftermath.forgetAgreeing(new Verdict(true, branches));
                tx.moveTo(TxState.COMMITTED);
                listener.decided(tx.transactionId(), true);
                finish(tx, Status.STATUS_COMMITTED);
            }
            case ROLLED_BACK -> {
                tx.moveTo(TxState.ROLLED_BACK);
                listener.decided(tx.transactionId(), false);
                finish(tx, Status.STATUS_ROLLEDBACK);
                throw withCause(
                        new RollbackException("the resource rolled back " + only + " at one-phase commit ("
                                + XaCode.nameOf(only.failure().errorCode) + ")"),
                        only.failure());
            }
            case HEURISTIC_ROLLED_BACK -> {
                Verdict verdict = new Verdict(true, branches);
                listener.decided(tx.transactionId(), true);
                aftermath.recordHeuristics(tx, verdict, true);
                tx.moveTo(TxState.ROLLED_BACK);
                finish(tx, Status.STATUS_ROLLEDBACK);
                throw verdict.rolledBack("one-phase commit ended in a heuristic rollback");
            }
            case HEURISTIC_COMMITTED, HEURISTIC_MIXED, HEURISTIC_HAZARD, OWED -> {
                Verdict verdict = new Verdict(true, branches);
                listener.decided(tx.transactionId(), true);
                aftermath.recordHeuristics(tx, verdict, true);
                tx.moveTo(TxState.COMMITTED);
                finish(tx, Status.STATUS_UNKNOWN);
                throw verdict.mixed("the outcome of the one-phase commit is not known");
            }
        }
    }

    private void commitTwoPhase(TransactionImpl tx, List<Branch> branches)
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SystemException {
        List<Branch> yes = preparePhase.run(branches);
        if (yes == null) {
            tx.moveTo(TxState.ROLLING_BACK);
            throw rolledBack(tx, branches, "a resource voted to roll back " + tx.transactionId());
        }
        if (yes.isEmpty()) {
            tx.moveTo(TxState.COMMITTED);
            listener.decided(tx.transactionId(), true);
            finish(tx, Status.STATUS_COMMITTED);
            return;
        }
        tx.moveTo(TxState.PREPARED);
        // With one branch left (the others read-only) nothing needs logging: if we crash before
        // its commit, presumed abort rolls it back and no other branch holds committed work.
        if (yes.size() > 1) {
            forceCommitDecision(tx, yes);
        }
        tx.moveTo(TxState.COMMITTING);
        listener.decided(tx.transactionId(), true);
        commitPhase.run(yes);
        Verdict verdict = new Verdict(true, yes);
        aftermath.forgetAgreeing(verdict);
        aftermath.recordHeuristics(tx, verdict, true);
        aftermath.reportOwed(verdict);
        if (!verdict.owed().isEmpty()) {
            LogException unlogged = aftermath.handOwedToRecovery(tx, yes.size() == 1, verdict.owed());
            if (unlogged != null) {
                tx.moveTo(TxState.IN_DOUBT);
                finish(tx, Status.STATUS_UNKNOWN);
                throw withCause(
                        new SystemException("the outcome of " + tx.transactionId() + " is not known: the commit of "
                                + verdict.owed().get(0) + " did not finish and its commit decision could not be"
                                + " logged (" + unlogged.getMessage() + "); the branch stays prepared until the"
                                + " transaction manager is restarted"),
                        unlogged);
            }
        } else if (yes.size() > 1) {
            aftermath.appendLazily(new LogRecord.Completed(tx.transactionId()));
        }
        tx.moveTo(TxState.COMMITTED);
        if (verdict.clean()) {
            finish(tx, Status.STATUS_COMMITTED);
            return;
        }
        if (verdict.allRolledBackHeuristically()) {
            finish(tx, Status.STATUS_ROLLEDBACK);
            throw verdict.rolledBack("every resource rolled back " + tx.transactionId() + " on its own");
        }
        finish(tx, Status.STATUS_UNKNOWN);
        throw verdict.mixed("resources disagree on the outcome of " + tx.transactionId());
    }

    private void forceCommitDecision(TransactionImpl tx, List<Branch> yes) throws RollbackException, SystemException {
        LogRecord.CommitDecision decision = new LogRecord.CommitDecision(tx.transactionId(), Aftermath.branchRefs(yes));
        long position;
        try {
            position = transactionLog.append(decision);
        } catch (LogException e) {
            if (!e.mayBeDurable()) {
                tx.moveTo(TxState.ROLLING_BACK);
                throw rolledBackUnlogged(tx, yes, e);
            }
            throw outcomeUnknown(tx, yes, e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    transactionLog.awaitDurable(position);
                    return;
                } catch (InterruptedException e) {
                    // The decision may already be on disk: waiting is the only safe answer.
                    interrupted = true;
                } catch (LogException e) {
                    if (!e.mayBeDurable()) {
                        tx.moveTo(TxState.ROLLING_BACK);
                        throw rolledBackUnlogged(tx, yes, e);
                    }
                    throw outcomeUnknown(tx, yes, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RollbackException rolledBackUnlogged(TransactionImpl tx, List<Branch> branches, LogException cause) {
        rollbackBranches(tx, branches);
        finish(tx, Status.STATUS_ROLLEDBACK);
        return withCause(
                new RollbackException("the commit decision of " + tx.transactionId()
                        + " could not be written to the transaction log, so it was rolled back: " + cause.getMessage()),
                cause);
    }

    private SystemException outcomeUnknown(TransactionImpl tx, List<Branch> prepared, LogException cause) {
        // The decision may or may not be on disk. Acting on it now (committing) could contradict
        // a restart that does not find it and presumes abort; so nothing acts on it in this run:
        // the branches stay prepared, in doubt, until a restart reads the log back.
        aftermath.holdInDoubt(tx, prepared);
        tx.moveTo(TxState.IN_DOUBT);
        finish(tx, Status.STATUS_UNKNOWN);
        return withCause(
                new SystemException("the commit decision of " + tx.transactionId()
                        + " may or may not be durable (" + cause.getMessage()
                        + "); its branches stay prepared until the transaction manager is restarted and its"
                        + " recovery finishes them as the log says"),
                cause);
    }

    /** Transaction.rollback() by the application. */
    @Override
    public void rollback(TransactionImpl tx) throws SystemException {
        while (true) {
            TxState current = tx.state();
            if (current == TxState.ACTIVE || current == TxState.MARKED_ROLLBACK) {
                if (tx.transition(current, TxState.ROLLING_BACK)) {
                    Verdict verdict = rollbackAll(tx);
                    if (!verdict.clean()) {
                        throw verdict.attachCauses(new SystemException("resources did not roll back "
                                + tx.transactionId() + " as asked; see the attached XAExceptions"));
                    }
                    return;
                }
            } else if (tx.timedOut() && (current == TxState.ROLLING_BACK || current == TxState.ROLLED_BACK)) {
                tx.awaitCompletion(); // the reaper rolled it back already: that is what was asked
                return;
            } else {
                throw new IllegalStateException(
                        "cannot roll back transaction " + tx.transactionId() + ": it is " + current);
            }
        }
    }

    /** The reaper's action on an expired transaction. */
    void timeout(TransactionImpl tx) {
        while (true) {
            TxState current = tx.state();
            if (current == TxState.ACTIVE || current == TxState.MARKED_ROLLBACK) {
                tx.markTimedOut();
                if (tx.transition(current, TxState.ROLLING_BACK)) {
                    log.warn("transaction {} timed out; rolling it back", tx.transactionId());
                    listener.timedOut(tx.transactionId());
                    rollbackAll(tx);
                    return;
                }
            } else if (current == TxState.SYNCHRONIZING) {
                // beforeCompletion callbacks are running: the committing thread rolls back after them.
                tx.markTimedOut();
                if (tx.markRollbackOnly(new IllegalStateException("transaction timed out"))) {
                    return;
                }
            } else {
                return; // already completing or marked: too late to matter
            }
        }
    }

    /** Cleans up after an enlistment whose start() lost the race with a rollback. */
    @Override
    public void rollbackAbandoned(Enlistment enlistment) {
        Branch branch = enlistment.branch();
        try {
            enlistment.resource().end(branch.xid(), XAResource.TMFAIL);
        } catch (XAException e) {
            log.debug("end(TMFAIL) of abandoned {} answered {}", branch, XaCode.nameOf(e.errorCode));
        } catch (Throwable e) { // the rollback below must still be tried
            log.warn("end(TMFAIL) of abandoned {} failed", branch, e);
        }
        // A branch this enlistment started is left out of completion's rollback (it may still
        // have been starting then), so it is rolled back here, on the thread that started it.
        if (branch.resource() == enlistment.resource()) {
            RollbackPhase.rollback(branch);
        }
    }

    /**
     * Rolls back and returns the exception to throw (or throws HeuristicMixed when resources
     * disagree). {@code known} null means every branch, read once the associations are ended (a
     * copy taken before could miss a branch enlisted meanwhile).
     */
    private RollbackException rolledBack(TransactionImpl tx, List<Branch> known, String message)
            throws HeuristicMixedException {
        endAssociations(tx, XAResource.TMFAIL);
        List<Branch> branches = known != null ? known : List.copyOf(tx.branches());
        Verdict verdict = rollbackBranches(tx, branches);
        finish(tx, Status.STATUS_ROLLEDBACK);
        if (!verdict.clean()) {
            throw verdict.mixed(message + ", but not every resource rolled back");
        }
        RollbackException rollback = new RollbackException(message);
        // Why it rolled back comes first: a callback's exception, the reason it was marked, the NO
        // voter's XAException; what went wrong while rolling back is attached, not in its place.
        Throwable cause = tx.rollbackCause() != null ? tx.rollbackCause() : firstVoteFailure(branches);
        if (cause == null) {
            cause = firstFailure(branches);
        }
        Throwable earlierReason = tx.rollbackReason();
        if (earlierReason != null && earlierReason != cause) {
            rollback.addSuppressed(earlierReason);
        }
        for (Branch branch : branches) {
            XAException failure = branch.failure();
            if (failure != null && failure != cause && failure != branch.voteFailure()) {
                rollback.addSuppressed(failure);
            }
        }
        return withCause(rollback, cause);
    }

    private Verdict rollbackAll(TransactionImpl tx) {
        endAssociations(tx, XAResource.TMFAIL);
        Verdict verdict = rollbackBranches(tx, List.copyOf(tx.branches()));
        finish(tx, Status.STATUS_ROLLEDBACK);
        return verdict;
    }

    private Verdict rollbackBranches(TransactionImpl tx, List<Branch> branches) {
        List<Branch> toRollBack = new ArrayList<>(branches.size());
        for (Branch branch : branches) {
            XaOutcomes.Vote vote = branch.vote();
            if (vote != XaOutcomes.Vote.READ_ONLY
                    && vote != XaOutcomes.Vote.NO_ALREADY_ROLLED_BACK
                    && !startingElsewhere(tx, branch)) {
                toRollBack.add(branch);
            }
        }
        listener.decided(tx.transactionId(), false);
        rollbackPhase.run(toRollBack);
        Verdict verdict = new Verdict(false, toRollBack);
        aftermath.forgetAgreeing(verdict);
        aftermath.recordHeuristics(tx, verdict, false);
        aftermath.reportOwed(verdict);
        tx.moveTo(TxState.ROLLED_BACK);
        return verdict;
    }

    /**
     * Whether the branch's start() may still be running on an enlisting thread that completion
     * abandoned: that thread rolls the branch back itself once start() returns, and two threads
     * must not drive one XAResource at once.
     */
    private static boolean startingElsewhere(TransactionImpl tx, Branch branch) {
        for (Enlistment enlistment : tx.enlistments()) {
            if (enlistment.branch() == branch
                    && enlistment.resource() == branch.resource()
                    && enlistment.association() == Enlistment.Association.ABANDONED) {
                return true;
            }
        }
        return false;
    }

    /** Ends every association still open; a failed end(TMSUCCESS) means rollback. */
    private void endAssociations(TransactionImpl tx, int flag) {
        for (Enlistment enlistment : tx.enlistments()) {
            if (enlistment.move(Enlistment.Association.STARTING, Enlistment.Association.ABANDONED)) {
                // Another thread is enlisting right now; it cleans up its own branch.
                tx.markRollbackOnly(new IllegalStateException("a resource was enlisted during completion"));
                continue;
            }
            if (!enlistment.move(Enlistment.Association.ACTIVE, Enlistment.Association.ENDED)
                    && !enlistment.move(Enlistment.Association.SUSPENDED, Enlistment.Association.ENDED)) {
                continue;
            }
            try {
                enlistment.resource().end(enlistment.branch().xid(), flag);
            } catch (XAException e) {
                if (flag == XAResource.TMSUCCESS) {
                    log.warn(
                            "end(TMSUCCESS) of {} failed with {} ({}); rolling back",
                            enlistment.branch(),
                            XaCode.nameOf(e.errorCode),
                            XaOutcomes.endFailure(e));
                    tx.markRollbackOnly(e);
                } else {
                    log.debug("end(TMFAIL) of {} answered {}", enlistment.branch(), XaCode.nameOf(e.errorCode));
                }
            } catch (Throwable e) { // a broken driver: the branch cannot be trusted with a commit
                tx.markRollbackOnly(unexpected("end", enlistment.branch(), e));
            }
        }
    }

    private void finish(TransactionImpl tx, int status) {
        try {
            Synchronizations.afterCompletion(tx, status);
        } finally {
            inFlight.remove(tx.transactionId());
            listener.completed(tx.transactionId(), status);
            tx.signalCompleted();
        }
    }

    private static XAException firstVoteFailure(List<Branch> branches) {
        for (Branch branch : branches) {
            if (branch.voteFailure() != null) {
                return branch.voteFailure();
            }
        }
        return null;
    }

    private static XAException firstFailure(List<Branch> branches) {
        for (Branch branch : branches) {
            if (branch.failure() != null) {
                return branch.failure();
            }
        }
        return null;
    }

    static <E extends Exception> E withCause(E exception, Throwable cause) {
        if (cause != null && exception.getCause() == null) {
            exception.initCause(cause);
        }
        return exception;
    }

    /**
     * A resource threw something other than an XAException (a RuntimeException, or an Error from a
     * broken driver): treat it as a failed resource manager, outcome unknown. An Error is not
     * rethrown from a phase: the transaction must still end committed, rolled back or owed.
     */
    static XAException unexpected(String verb, Branch branch, Throwable e) {
        log.warn("{} of {} threw {} instead of an XAException; treated as XAER_RMFAIL", verb, branch, e.toString());
        XAException xa = XaCode.exception(XAException.XAER_RMFAIL, verb + " threw " + e);
        xa.initCause(e);
        return xa;
    }

    @Override
    public void close() {
        reaper.close();
        runner.close();
    }
}
