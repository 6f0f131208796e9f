package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.TransactionImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls back transactions that outlive their timeout. Transactions wait in a skip list ordered
 * by deadline (lock-free add and remove on the begin and completion paths); one daemon thread
 * wakes every {@code interval} and expires what is due. Time comes from the injected clock.
 */
final class TimeoutReaper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TimeoutReaper.class);

    private final ConcurrentSkipListSet<TransactionImpl> byDeadline = new ConcurrentSkipListSet<>(
            Comparator.comparingLong(TransactionImpl::deadlineMillis).thenComparingLong(TransactionImpl::number));
    private final Clock clock;
    private final Consumer<TransactionImpl> expire;
    private final ScheduledExecutorService timer;

    TimeoutReaper(Clock clock, Duration interval, Consumer<TransactionImpl> expire) {
        this.clock = clock;
        this.expire = expire;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "assent-timeout-reaper");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::expireDue, millis, millis, TimeUnit.MILLISECONDS);
    }

    void track(TransactionImpl tx) {
        byDeadline.add(tx);
    }

    void forget(TransactionImpl tx) {
        byDeadline.remove(tx);
    }

    /** Transactions waiting for their deadline. */
    int tracked() {
        return byDeadline.size();
    }

    /** Expires every transaction whose deadline has passed. */
    void expireDue() {
        long now = clock.millis();
        while (true) {
            TransactionImpl first;
            try {
                first = byDeadline.first();
            } catch (java.util.NoSuchElementException empty) {
                return;
            }
            if (first.deadlineMillis() > now) {
                return;
            }
            if (byDeadline.remove(first)) {
                try {
                    expire.accept(first);
                } catch (RuntimeException e) {
                    log.error("rolling back timed-out {} failed", first, e);
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
