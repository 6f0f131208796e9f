package dev.assent.tm.internal.log;

import java.util.random.RandomGenerator;

/**
 * Numbers the runs of a node so that two runs never share a number, even when the log that
 * counted them is lost, and so that recovery can tell the runs its log recorded from those it
 * never saw (docs/protocols.md §4). An incarnation holds two numbers:
 *
 * <pre>
 *   bit  63      0
 *   bits 62..24  log number: drawn at random when the log directory is created, never 0; the same
 *                for every run of that log
 *   bits 23..0   run within the log: 1 for the run that created it, one more at every start
 * </pre>
 *
 * A node whose log directory was deleted or lost starts a new log under a new random number, so
 * the Xids of its new runs cannot repeat those of the lost runs (the incarnation is part of every
 * Xid), whatever the clock says: two logs of one node draw the same number with a chance of one in
 * 2^39. Logs written before segment format version 2 counted their runs from 1 with nothing above:
 * they are log number 0, which a new log never draws.
 */
public final class Incarnations {
    static final int RUN_BITS = 24;
    static final long MAX_RUN = (1L << RUN_BITS) - 1;
    private static final long LOG_NUMBERS = 1L << (Long.SIZE - 1 - RUN_BITS);

    private Incarnations() {}

    /** The first run of a log directory created now: a fresh random log number, run 1. */
    public static long firstOfNewLog(RandomGenerator random) {
        long logNumber = 1 + random.nextLong(LOG_NUMBERS - 1);
        return (logNumber << RUN_BITS) | 1;
    }

    /** Whether another run fits in the log after {@code lastSeen}. */
    static boolean hasRunAfter(long lastSeen) {
        return runOf(lastSeen) < MAX_RUN;
    }

    /** The run that follows {@code lastSeen} in the same log; {@link #hasRunAfter} must hold. */
    static long next(long lastSeen) {
        return lastSeen + 1;
    }

    /** Which log counted the run. */
    public static long logOf(long incarnation) {
        return incarnation >>> RUN_BITS;
    }

    /** Which run of its log it is, from 1. */
    public static long runOf(long incarnation) {
        return incarnation & MAX_RUN;
    }

    /** True when {@code run} is a run of the same log as {@code current}, started before it. */
    public static boolean isEarlierRunOfTheSameLog(long run, long current) {
        return logOf(run) == logOf(current) && runOf(run) >= 1 && run < current;
    }
}
