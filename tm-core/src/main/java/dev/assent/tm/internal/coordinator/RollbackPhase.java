package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.xa.XaOutcomes;
import java.util.List;
import javax.transaction.xa.XAException;

/** Rolls branches back: after a NO vote, a rollback-only commit, a rollback() or a timeout. */
final class RollbackPhase {
    private final PhaseRunner runner;

    RollbackPhase(PhaseRunner runner) {
        this.runner = runner;
    }

    void run(List<Branch> branches) {
        runner.forEach(branches, RollbackPhase::rollback);
    }

    static void rollback(Branch branch) {
        try {
            branch.resource().rollback(branch.xid());
            branch.recordCompletion(XaOutcomes.Completion.ROLLED_BACK, null);
        } catch (XAException e) {
            branch.recordCompletion(XaOutcomes.rollbackFailure(e), e);
        } catch (Throwable e) { // whatever a resource throws, the phase must record an outcome
            XAException failure = Coordinator.unexpected("rollback", branch, e);
            branch.recordCompletion(XaOutcomes.rollbackFailure(failure), failure);
        }
    }
}
