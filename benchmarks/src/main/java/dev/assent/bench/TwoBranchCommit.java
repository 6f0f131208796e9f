package dev.assent.bench;

import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import javax.transaction.xa.XAResource;

/**
 * The unit of work of the coordinator-overhead benchmark, shared by JMH and the smoke tests: begin,
 * enlist two resources of different resource managers, commit (so two-phase, with one forced
 * commit decision in every manager's log).
 */
public final class TwoBranchCommit {
    private TwoBranchCommit() {}

    /**
     * Runs one transaction on the calling thread.
     *
     * @throws IllegalStateException if a manager refuses an enlistment
     * @throws Exception whatever the manager throws from begin, enlist or commit
     */
    public static void run(TransactionManager tm, XAResource first, XAResource second) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        if (!tx.enlistResource(first) || !tx.enlistResource(second)) {
            tm.rollback();
            throw new IllegalStateException("the manager refused an enlistment");
        }
        tm.commit();
    }
}
