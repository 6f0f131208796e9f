package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.recovery.RecoveryLedger;
import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.tx.TransactionImpl;
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
     */
    void handOwedToRecovery(TransactionImpl tx, boolean decisionUnlogged, List<Branch> owed) {
        List<LogRecord.BranchRef> refs = branchRefs(owed);
        if (decisionUnlogged) {
            try {
                transactionLog.appendDurably(new LogRecord.CommitDecision(tx.transactionId(), refs));
            } catch (LogException e) {
                log.error(
                        "could not log the commit decision of {} whose branch {} is still prepared: a crash now"
                                + " leaves it to presumed abort ({})",
                        tx.transactionId(),
                        owed.get(0),
                        e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ledger.oweCommit(tx.transactionId(), refs);
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
            } catch (RuntimeException e) {
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
            // Not a commit point: recovery re-derives what this record would have said.
            log.warn(
                    "could not append {} to the transaction log: {}",
                    record.getClass().getSimpleName(),
                    e.getMessage());
        }
    }
}
