package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.Branch;
import dev.assent.tm.internal.xa.XaOutcomes;
import dev.assent.tm.spi.TransactionListener;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;

/** Phase one of a two-phase commit: every branch votes. */
final class PreparePhase {
    private final PhaseRunner runner;
    private final TransactionListener listener;

    PreparePhase(PhaseRunner runner, TransactionListener listener) {
        this.runner = runner;
        this.listener = listener;
    }

    /** The branches that voted YES, or null when any branch voted NO. */
    List<Branch> run(List<Branch> branches) {
        runner.forEach(branches, this::prepare);
        List<Branch> yes = new ArrayList<>(branches.size());
        boolean anyNo = false;
        for (Branch branch : branches) {
            switch (branch.vote()) {
                case YES -> yes.add(branch);
                case READ_ONLY -> {
                    // A read-only branch has left the transaction: nothing to commit or roll back.
                }
                case NO, NO_ALREADY_ROLLED_BACK -> anyNo = true;
            }
        }
        return anyNo ? null : yes;
    }

    private void prepare(Branch branch) {
        XaOutcomes.Vote vote;
        XAException failure = null;
        try {
            vote = XaOutcomes.prepareResult(branch.resource().prepare(branch.xid()));
        } catch (XAException e) {
            failure = e;
            vote = XaOutcomes.prepareFailure(e);
        } catch (Throwable e) { // whatever a resource throws, the phase must record an outcome
            failure = Coordinator.unexpected("prepare", branch, e);
            vote = XaOutcomes.prepareFailure(failure);
        }
        branch.recordVote(vote, failure);
        listener.prepared(
                branch.xid(),
                switch (vote) {
                    case YES -> TransactionListener.Vote.YES;
                    case READ_ONLY -> TransactionListener.Vote.READ_ONLY;
                    case NO, NO_ALREADY_ROLLED_BACK -> TransactionListener.Vote.NO;
                });
    }
}
