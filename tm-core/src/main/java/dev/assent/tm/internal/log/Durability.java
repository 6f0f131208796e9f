package dev.assent.tm.internal.log;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Where committers wait for their ticket to become durable, and how the writer wakes them.
 *
 * <p>Note on concurrency: {@code durableTicket} and {@code failure} are written by the writer
 * thread (and by {@code close()} once the writer has stopped) and read by waiting threads;
 * {@code forceDemand} is raised by waiting threads and read by the writer; {@code waiters} is
 * added to and removed from by waiting threads and walked by the writer.
 */
final class Durability {

    /** Why the log stopped; tickets below {@code firstUnwrittenTicket} were handed to the OS. */
    record Failure(String message, long firstUnwrittenTicket, Throwable cause) {
        LogException exception(long ticket) {
            return new LogException(message, ticket < firstUnwrittenTicket, cause);
        }
    }

    private record Waiter(Thread thread, long ticket) {}

    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong forceDemand = new AtomicLong();
    private final Runnable wakeWriter;
    private volatile long durableTicket;
    private volatile Failure failure;

    Durability(Runnable wakeWriter) {
        this.wakeWriter = wakeWriter;
    }

    void await(long ticket) throws LogException, InterruptedException {
        if (ticket <= durableTicket) {
            return;
        }
        // Asking for a force lets records that do not need one by themselves be awaited too.
        forceDemand.accumulateAndGet(ticket, Math::max);
        wakeWriter.run();
        Waiter waiter = new Waiter(Thread.currentThread(), ticket);
        waiters.add(waiter);
        try {
            while (ticket > durableTicket) {
                Failure stopped = failure;
                if (stopped != null) {
                    throw stopped.exception(ticket);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for log position " + ticket
                            + " to become durable; it may still become durable");
                }
                LockSupport.park(this);
            }
        } finally {
            waiters.remove(waiter);
        }
    }

    /** The highest ticket a waiter asked to be made durable. */
    long forceDemand() {
        return forceDemand.get();
    }

    long durableTicket() {
        return durableTicket;
    }

    Failure failure() {
        return failure;
    }

    /** Writer thread: every ticket up to {@code ticket} is on disk. */
    void markDurable(long ticket) {
        durableTicket = ticket;
        for (Waiter waiter : waiters) {
            if (waiter.ticket() <= ticket) {
                LockSupport.unpark(waiter.thread());
            }
        }
    }

    /** No more tickets will become durable; wakes every waiter with the failure. */
    void fail(Failure stopped) {
        if (failure == null) {
            failure = stopped;
        }
        for (Waiter waiter : waiters) {
            LockSupport.unpark(waiter.thread());
        }
    }
}
