package dev.assent.tm.internal.log;

import java.util.Collection;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Names the runs of a node so that two runs never share a name, even when the log that recorded
 * them was lost or replaced by an older copy, and so that recovery can tell the runs its log
 * recorded from those it never saw (docs/protocols.md §4).
 *
 * <p>An incarnation is drawn at random at every start, from 1 to 2^63 - 1, never one the log
 * remembers: nothing is counted, so a log directory restored from a backup or a snapshot cannot
 * make a start repeat the incarnation (and so the Xids, which carry it) of a run the copy never
 * saw. Two runs of one node draw the same incarnation with a chance of one in 2^63; no clock is
 * involved. The log remembers which runs it recorded by listing them in every segment header
 * ({@link SegmentHeader}), up to {@value #REMEMBERED_EARLIER_RUNS} before the current one.
 *
 * <p>Logs written before segment format version 2 counted their runs from 1: their incarnations
 * are small numbers, which a log still remembers only when its segment headers show them.
 */
public final class Incarnations {
    /**
     * How many runs before the current one a log vouches for. Recovery leaves a prepared branch
     * of an older run in doubt for the operator, as it does one of a lost log's run: safe, and by
     * then such a branch has stayed prepared through that many starts.
     */
    public static final int REMEMBERED_EARLIER_RUNS = 48;

    private Incarnations() {}

    /** A new run's incarnation: random, positive, and none of {@code remembered}. */
    public static long draw(RandomGenerator random, Collection<Long> remembered) {
        while (true) {
            long drawn = random.nextLong() & Long.MAX_VALUE;
            if (drawn != 0 && !remembered.contains(drawn)) {
                return drawn;
            }
        }
    }

    /** How the start-up line and messages name a run. */
    public static String name(long incarnation) {
        return String.format(Locale.ROOT, "%016x", incarnation);
    }
}
