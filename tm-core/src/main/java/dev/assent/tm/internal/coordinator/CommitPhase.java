package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import java.util.List;
import javax.transaction.xa.XAException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Phase two of a committed transaction, and the one-phase commit of a single branch. */
final class CommitPhase {
    private static final Logger log = LoggerFactory.getLogger(CommitPhase.class);
    private static final int ONE_PHASE_ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MILLIS = 20;

    private final PhaseRunner runner;

    CommitPhase(PhaseRunner runner) {
        this.runner = runner;
    }

    void run(List<Branch> prepared) {
        runner.forEach(prepared, CommitPhase::commitPrepared);
    }

    private static void commitPrepared(Branch branch) {
        try {
            branch.resource().commit(branch.xid(), false);
            branch.recordCompletion(XaOutcomes.Completion.COMMITTED, null);
        } catch (XAException e) {
            // The coordinator's commit is the first one sent to this branch.
            XaOutcomes.Completion completion = XaOutcomes.commitTwoPhaseFailure(e, false);
            if (completion == XaOutcomes.Completion.HEURISTIC_HAZARD && XaCode.of(e) == XaCode.XAER_NOTA) {
                log.error(
                        "commit of {} answered {} although it voted yes and no commit had been sent: the"
                                + " resource manager lost a prepared branch",
                        branch,
                        XaCode.nameOf(e.errorCode));
            }
            branch.recordCompletion(completion, e);
        } catch (Throwable e) { // whatever a resource throws, the phase must record an outcome
            XAException failure = Coordinator.unexpected("commit", branch, e);
            branch.recordCompletion(XaOutcomes.commitTwoPhaseFailure(failure, false), failure);
        }
    }

    /** Commits the only branch of a transaction without a prepare; XA_RETRY is retried briefly. */
    void onePhase(Branch branch) {
        for (int attempt = 1; ; attempt++) {
            XAException failure;
            try {
                branch.resource().commit(branch.xid(), true);
                branch.recordCompletion(XaOutcomes.Completion.COMMITTED, null);
                return;
            } catch (XAException e) {
                failure = e;
            } catch (Throwable e) { // whatever a resource throws, the phase must record an outcome
                failure = Coordinator.unexpected("one-phase commit", branch, e);
            }
            XaOutcomes.Completion completion = XaOutcomes.commitOnePhaseFailure(failure);
            if (completion != XaOutcomes.Completion.OWED) {
                branch.recordCompletion(completion, failure);
                return;
            }
            if (attempt == ONE_PHASE_ATTEMPTS) {
                // Not prepared, so recovery cannot finish it: the outcome is the resource's secret.
                branch.recordCompletion(XaOutcomes.Completion.HEURISTIC_HAZARD, failure);
                return;
            }
            if (!pause(attempt)) {
                branch.recordCompletion(XaOutcomes.Completion.HEURISTIC_HAZARD, failure);
                return;
            }
        }
    }

    /**
     * XA_RETRY means "not now": the resource needs a moment (a lock, a failover). The committing
     * thread waits here, briefly and increasingly, because an unprepared one-phase branch cannot be
     * handed to recovery; only this rare path sleeps, never the common one.
     */
    private static boolean pause(int attempt) {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
