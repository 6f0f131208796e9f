package dev.assent.xa.internal;

import io.agroal.api.transaction.TransactionAware;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a connection that was closed under its application go back to the pool once.
 *
 * <p>When a timeout rolls a transaction back on the reaper's thread, two threads hand the same
 * connection back: the transaction's completion, and the application closing its handle after its
 * statement failed. The pool does not guard against that race (the second return destroys the
 * connection twice and leaves its counters off by one), so the integration asks this guard in
 * {@code disassociate}, where the pool lets it veto a return.
 *
 * <p>Note on concurrency: entries are added by the completing thread and read and removed by any
 * returning thread; the map's atomic replace decides which return is the first. An entry whose
 * second return never comes is pruned a minute after the first.
 */
final class ReturnGuard {
    private static final long NOT_RETURNED = Long.MIN_VALUE;
    private static final long PRUNE_AFTER_NANOS = Duration.ofMinutes(1).toNanos();

    private final ConcurrentHashMap<TransactionAware, Long> firstReturn = new ConcurrentHashMap<>();

    /** {@code aware} was closed under its application: its next return is the only one allowed. */
    void abandoned(TransactionAware aware) {
        long now = System.nanoTime();
        firstReturn.values().removeIf(t -> t != NOT_RETURNED && now - t > PRUNE_AFTER_NANOS);
        firstReturn.put(aware, NOT_RETURNED);
    }

    /** False when the pool already took {@code aware} back since it was abandoned. */
    boolean mayReturn(TransactionAware aware) {
        if (firstReturn.isEmpty()) {
            return true;
        }
        Long first = firstReturn.get(aware);
        if (first == null) {
            return true;
        }
        if (first == NOT_RETURNED && firstReturn.replace(aware, NOT_RETURNED, System.nanoTime())) {
            return true;
        }
        firstReturn.remove(aware);
        return false;
    }
}
