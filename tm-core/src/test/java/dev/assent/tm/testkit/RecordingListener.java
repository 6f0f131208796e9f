package dev.assent.tm.testkit;

import dev.assent.tm.spi.TransactionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

/**
 * A TransactionListener that renders every callback into an event list, naming branch Xids as the
 * {@link XaJournal} does: {@code "begun"}, {@code "enlisted(x1, a)"}, {@code "prepared(x2, NO)"},
 * {@code "decided(commit)"}, {@code "heuristic(x2, b, XA_HEURMIX)"}, {@code "owedToRecovery(x2,
 * b, XAER_RMFAIL)"}, {@code "timedOut"}, {@code "completed(STATUS_COMMITTED)"}. The causes of
 * heuristic and owed callbacks are kept for identity checks.
 *
 * <p>Note on concurrency: callbacks arrive from application threads, phase threads and the timeout
 * reaper; both lists are synchronized.
 */
public final class RecordingListener implements TransactionListener {
    private final XaJournal journal;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<XAException> causes = Collections.synchronizedList(new ArrayList<>());

    public RecordingListener(XaJournal journal) {
        this.journal = journal;
    }

    /** Every callback so far, rendered, in order. */
    public List<String> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** The causes passed to heuristic and owedToRecovery, in order. */
    public List<XAException> causes() {
        synchronized (causes) {
            return new ArrayList<>(causes);
        }
    }

    @Override
    public void begun(Xid transactionId) {
        events.add("begun");
    }

    @Override
    public void enlisted(Xid branchXid, String resourceManagerName) {
        events.add("enlisted(" + journal.label(branchXid) + ", " + resourceManagerName + ")");
    }

    @Override
    public void prepared(Xid branchXid, Vote vote) {
        events.add("prepared(" + journal.label(branchXid) + ", " + vote + ")");
    }

    @Override
    public void decided(Xid transactionId, boolean commit) {
        events.add(commit ? "decided(commit)" : "decided(rollback)");
    }

    @Override
    public void completed(Xid transactionId, int status) {
        events.add("completed(" + JtaStatus.name(status) + ")");
    }

    @Override
    public void heuristic(Xid branchXid, String resourceManagerName, XAException cause) {
        causes.add(cause);
        events.add("heuristic(" + journal.label(branchXid) + ", " + resourceManagerName + ", " + codeOf(cause) + ")");
    }

    @Override
    public void owedToRecovery(Xid branchXid, String resourceManagerName, XAException cause) {
        causes.add(cause);
        String branch = branchXid == null ? "all" : journal.label(branchXid);
        events.add("owedToRecovery(" + branch + ", " + resourceManagerName + ", " + codeOf(cause) + ")");
    }

    @Override
    public void timedOut(Xid transactionId) {
        events.add("timedOut");
    }

    private static String codeOf(XAException cause) {
        return cause == null ? "no cause" : XaCodes.name(cause.errorCode);
    }
}
