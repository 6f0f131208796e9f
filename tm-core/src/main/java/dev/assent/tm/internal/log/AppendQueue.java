package dev.assent.tm.internal.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Many appending threads, one writer thread: a linked queue where an appender claims the tail
 * with one compare-and-set, which also gives its record the next ticket, so tickets follow queue
 * order and hence file order. No lock anywhere (CONTRIBUTING.md rule 7).
 *
 * <p>Note on concurrency: {@code tail} is changed by appenders; {@code head} is read and written
 * by the writer thread only; {@code writerSleeping} is written by the writer and read by
 * appenders, which unpark the writer only when it may be parked; {@code closing} is written by
 * the closing thread and read by the writer.
 */
final class AppendQueue {
    private final AtomicReference<PendingRecord> tail;
    private PendingRecord head;
    private volatile Thread writer;
    private volatile boolean writerSleeping;
    private volatile boolean closing;

    AppendQueue() {
        PendingRecord sentinel = new PendingRecord(null, null, false);
        head = sentinel;
        tail = new AtomicReference<>(sentinel);
    }

    void bindWriter(Thread thread) {
        writer = thread;
    }

    /** Appends and returns the record's ticket. */
    long enqueue(PendingRecord record) {
        PendingRecord previous;
        do {
            previous = tail.get();
            record.ticket = previous.ticket + 1;
        } while (!tail.compareAndSet(previous, record));
        previous.next = record;
        wakeWriter();
        return record.ticket;
    }

    /** The ticket most recently handed out. */
    long lastTicket() {
        return tail.get().ticket;
    }

    /** Writer thread: takes what is queued, up to the limits. */
    List<PendingRecord> drain(int maxRecords, long maxBytes) {
        List<PendingRecord> batch = new ArrayList<>();
        long bytes = 0;
        PendingRecord next = head.next;
        while (next != null && batch.size() < maxRecords && bytes < maxBytes) {
            batch.add(next);
            bytes += next.frameBytes();
            head = next;
            next = next.next;
        }
        return batch;
    }

    /** Writer thread: every record appended so far has been drained. */
    boolean isDrained() {
        return tail.get() == head;
    }

    /** Writer thread: parks until something is queued, {@code workWaiting} holds, or the time passes. */
    void awaitWork(BooleanSupplier workWaiting, long maxNanos) {
        writerSleeping = true;
        try {
            // Checked after announcing the sleep: whoever adds work afterwards sees the flag and unparks.
            if (head.next == null && !workWaiting.getAsBoolean()) {
                LockSupport.parkNanos(this, maxNanos);
            }
        } finally {
            writerSleeping = false;
        }
    }

    /** Tells the writer to write what is queued and stop. */
    void close() {
        closing = true;
        wakeWriter();
    }

    boolean closing() {
        return closing;
    }

    void wakeWriter() {
        Thread thread = writer;
        if (writerSleeping && thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
