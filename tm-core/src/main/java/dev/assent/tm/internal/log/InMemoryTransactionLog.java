package dev.assent.tm.internal.log;

import dev.assent.tm.internal.tx.AssentXid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A log that keeps what recovery would need in memory: commit decisions until their transaction
 * completes, heuristic records until forgotten. Nothing survives the process; it is the CPU
 * ceiling for benchmarks and the log of tests that do not exercise durability.
 */
public final class InMemoryTransactionLog implements TransactionLog {
    private final AtomicLong position = new AtomicLong();
    private final Map<AssentXid, LogRecord> outstandingDecisions = new ConcurrentHashMap<>();
    private final Map<AssentXid, LogRecord> heuristics = new ConcurrentHashMap<>();
    private final long incarnation;
    private volatile boolean closed;

    public InMemoryTransactionLog(long incarnation) {
        this.incarnation = incarnation;
    }

    @Override
    public long append(LogRecord record) throws LogException {
        if (closed) {
            throw new LogException("the transaction log is closed", false, null);
        }
        // Java 17 has no pattern switch; the family is sealed, so the last branch is the fourth type.
        if (record instanceof LogRecord.CommitDecision decision) {
            outstandingDecisions.put(decision.transactionId(), decision);
        } else if (record instanceof LogRecord.Completed completed) {
            outstandingDecisions.remove(completed.transactionId());
        } else if (record instanceof LogRecord.Heuristic heuristic) {
            heuristics.put(heuristic.branch().xid(), heuristic);
        } else if (record instanceof LogRecord.HeuristicForgotten forgotten) {
            heuristics.remove(forgotten.branchXid());
        }
        return position.incrementAndGet();
    }

    @Override
    public void awaitDurable(long position) {
        // Memory is as durable as this log gets.
    }

    @Override
    public void replay(Consumer<LogRecord> visitor) {
        List<LogRecord> records = new ArrayList<>(outstandingDecisions.values());
        records.addAll(heuristics.values());
        records.forEach(visitor);
    }

    /** Commit decisions whose transactions have not completed yet. */
    public int outstandingDecisions() {
        return outstandingDecisions.size();
    }

    /** Nothing of an earlier run survives: its prepared branches are left to an operator. */
    @Override
    public boolean recordedEarlierRun(long run) {
        return false;
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public void close() {
        closed = true;
    }
}
