package dev.assent.tm.internal.coordinator;

import dev.assent.tm.RecoveryReport;
import dev.assent.tm.spi.TransactionListener;
import java.util.List;
import java.util.function.Consumer;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans callbacks out to the configured listeners; a listener that throws never hurts a transaction. */
public final class Listeners implements TransactionListener {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<TransactionListener> listeners;

    public Listeners(List<TransactionListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<TransactionListener> callback) {
        for (TransactionListener listener : listeners) {
            try {
                callback.accept(listener);
            } catch (Throwable e) { // an observer must never change a transaction's outcome
                log.warn("transaction listener {} threw; ignored", listener, e);
            }
        }
    }

    @Override
    public void begun(Xid transactionId) {
        if (!listeners.isEmpty()) {
            each(l -> l.begun(transactionId));
        }
    }

    @Override
    public void enlisted(Xid branchXid, String resourceManagerName) {
        each(l -> l.enlisted(branchXid, resourceManagerName));
    }

    @Override
    public void prepared(Xid branchXid, Vote vote) {
        each(l -> l.prepared(branchXid, vote));
    }

    @Override
    public void decided(Xid transactionId, boolean commit) {
        each(l -> l.decided(transactionId, commit));
    }

    @Override
    public void completed(Xid transactionId, int status) {
        if (!listeners.isEmpty()) {
            each(l -> l.completed(transactionId, status));
        }
    }

    @Override
    public void heuristic(Xid branchXid, String resourceManagerName, XAException cause) {
        each(l -> l.heuristic(branchXid, resourceManagerName, cause));
    }

    @Override
    public void owedToRecovery(Xid branchXid, String resourceManagerName, XAException cause) {
        each(l -> l.owedToRecovery(branchXid, resourceManagerName, cause));
    }

    @Override
    public void timedOut(Xid transactionId) {
        each(l -> l.timedOut(transactionId));
    }

    @Override
    public void recovered(RecoveryReport report) {
        each(l -> l.recovered(report));
    }

    @Override
    public void logForced(int records, long nanos) {
        each(l -> l.logForced(records, nanos));
    }
}
