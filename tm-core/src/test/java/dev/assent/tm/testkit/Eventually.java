package dev.assent.tm.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread (the timeout reaper, the log writer) does: polls a condition
 * until it holds or the patience runs out, then fails naming what it waited for. The one place the
 * tests poll, so that none sleeps a fixed time hoping the other thread was quick enough.
 */
public final class Eventually {
    private static final long POLL_MILLIS = 2;

    private Eventually() {}

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError when it still does not hold after {@code patience}
     */
    public static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + patience + " for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
