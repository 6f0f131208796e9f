package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.recovery.RecoveryLedger;
import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.tx.TransactionImpl;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import dev.assent.tm.spi.TransactionListener;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator does once the branches have answered a commit or a rollback: tell
 * resource managers to forget heuristic outcomes that agree with the decision, record the ones
 * that do not (log and recovery ledger) and hand unfinished branches to recovery.
 */
final class Aftermath {
    private static final Logger log = LoggerFactory.getLogger(Aftermath.class);

    private final TransactionLog transactionLog;
    private final RecoveryLedger ledger;
    private final TransactionListener listener;

    Aftermath(TransactionLog transactionLog, RecoveryLedger ledger, TransactionListener listener) {
        this.transactionLog = transactionLog;
        this.ledger = ledger;
        this.listener = listener;
    }

    /**
     * Leaves unfinished branches of a committed transaction to recovery. When the decision was not
     * logged (a single prepared branch), it is logged now: the caller is told "committed", so a
     * crash must not let presumed abort roll the branch back.
     *
     * @return null when recovery owns the branches now; the log's failure when the late decision
     *     could not be logged, in which case the branch is held in doubt and the caller must be told
     *     that the outcome is not known
     */
    LogException handOwedToRecovery(TransactionImpl tx, boolean decisionUnlogged, List<Branch> owed) {
        List<LogRecord.BranchRef> refs = branchRefs(owed);
        if (decisionUnlogged) {
            LogException failure = logLateDecision(new LogRecord.CommitDecision(tx.transactionId(), refs));
            if (failure != null) {
                log.error(
                        "could not log the commit decision of {} whose branch {} is still prepared: it stays in"
                                + " doubt until a restart ({})",
                        tx.transactionId(),
                        owed.get(0),
                        failure.getMessage());
                ledger.holdInDoubt(tx.transactionId(), refs);
                return failure;
            }
        }
        // Before the branches become owed, so that a concurrent scan never sees an owed branch
        // without knowing that its commit may already have been applied.
        for (Branch branch : owed) {
            if (branch.failure() == null || !XaOutcomes.commitCertainlyNotApplied(branch.failure())) {
                ledger.commitSent(branch.xid());
            }
        }
        ledger.oweCommit(tx.transactionId(), refs);
        return null;
    }

    private LogException logLateDecision(LogRecord.CommitDecision decision) {
        boolean interrupted = false;
        try {
            long position = transactionLog.append(decision);
            while (true) {
                try {
                    transactionLog.awaitDurable(position);
                    return null;
                } catch (InterruptedException e) {
                    // The decision may already be on disk: waiting is the only safe answer.
                    interrupted = true;
                }
            }
        } catch (LogException e) {
            return e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A decision that may or may not be durable: nothing in this run acts on it. */
    void holdInDoubt(TransactionImpl tx, List<Branch> prepared) {
        log.error(
                "the commit decision of {} may or may not be durable; its {} prepared until a restart reads the"
                        + " log back",
                tx.transactionId(),
                prepared.size() == 1 ? "branch stays" : Plural.count(prepared.size(), "branch", "branches") + " stay");
        ledger.holdInDoubt(tx.transactionId(), branchRefs(prepared));
    }

    static List<LogRecord.BranchRef> branchRefs(List<Branch> branches) {
        List<LogRecord.BranchRef> refs = new ArrayList<>(branches.size());
        for (Branch branch : branches) {
            refs.add(new LogRecord.BranchRef(branch.xid(), branch.resourceManagerName()));
        }
        return refs;
    }

    void forgetAgreeing(Verdict verdict) {
        for (Branch branch : verdict.agreeingHeuristically()) {
            try {
                branch.resource().forget(branch.xid());
            } catch (XAException e) {
                log.warn(
                        "forget of {} failed with {}; the resource keeps a heuristic record that agrees with"
                                + " the outcome",
                        branch,
                        XaCode.nameOf(e.errorCode));
            } catch (Throwable e) { // a driver's bug must not keep owed branches from recovery
                log.warn("forget of {} failed", branch, e);
            }
        }
    }

    void recordHeuristics(TransactionImpl tx, Verdict verdict, boolean decidedCommit) {
        for (Branch branch : verdict.disagreeing()) {
            XAException failure = branch.failure();
            int code = failure == null ? XAException.XA_HEURHAZ : failure.errorCode;
            log.error(
                    "heuristic outcome: {} of {} ended {} ({}) although the coordinator decided to {}",
                    branch,
                    tx.transactionId(),
                    branch.completion(),
                    XaCode.nameOf(code),
                    decidedCommit ? "commit" : "roll back");
            listener.heuristic(branch.xid(), branch.resourceManagerName(), failure);
            LogRecord.Heuristic record = new LogRecord.Heuristic(
                    tx.transactionId(),
                    new LogRecord.BranchRef(branch.xid(), branch.resourceManagerName()),
                    code,
                    decidedCommit);
            ledger.recordHeuristic(record);
            appendLazily(record);
        }
    }

    void reportOwed(Verdict verdict) {
        for (Branch branch : verdict.owed()) {
            log.warn(
                    "{} could not be finished now ({}); recovery will finish it",
                    branch,
                    branch.failure() == null ? "no answer" : XaCode.nameOf(branch.failure().errorCode));
            listener.owedToRecovery(branch.xid(), branch.resourceManagerName(), branch.failure());
        }
    }

    void appendLazily(LogRecord record) {
        try {
            transactionLog.append(record);
        } catch (LogException e) {
            if (record instanceof LogRecord.Heuristic heuristic) {
                log.error(
                        "could not log the heuristic outcome of {} ({}): it is listed by tm.heuristics() until"
                                + " this process stops, but a restart will not know it; note it now",
                        heuristic.branch().xid(),
                        e.getMessage());
                return;
            }
            // Not a commit point: recovery re-derives what this record would have said.
            log.warn(
                    "could not append {} to the transaction log: {}",
                    record.getClass().getSimpleName(),
                    e.getMessage());
        }
    }
}
