package dev.assent.xa.support;

import java.time.Duration;

/**
 * Waits for a condition on a real server (a session gone, a lock wait begun) by asking it again
 * every few milliseconds, for at most a given time: the one polling loop of these tests.
 */
public final class Poll {
    private static final long PAUSE_MILLIS = 10;

    private Poll() {}

    /** A check that may fail with a checked exception (a query). */
    @FunctionalInterface
    public interface Condition<E extends Exception> {
        boolean holds() throws E;
    }

    /**
     * Asks {@code condition} until it holds or {@code patience} has passed.
     *
     * @return whether it held
     */
    public static <E extends Exception> boolean until(Duration patience, Condition<E> condition)
            throws E, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        return true;
    }
}
