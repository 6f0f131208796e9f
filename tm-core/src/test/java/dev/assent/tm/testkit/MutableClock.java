package dev.assent.tm.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until a test moves it, so that timeouts expire when the scenario says
 * and not when the machine is slow. Views made by {@link #withZone} share the same time.
 *
 * <p>It also counts how often it was read: the timeout reaper reads it once per round, so a test
 * that must show that nothing happens "for a few rounds" waits for reads instead of sleeping.
 *
 * <p>Note on concurrency: the test thread advances it, the timeout reaper reads it; the time and
 * the read count are atomics.
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;
    private final AtomicLong reads;
    private final ZoneId zone;

    public MutableClock(Instant start) {
        this(new AtomicLong(start.toEpochMilli()), new AtomicLong(), ZoneOffset.UTC);
    }

    private MutableClock(AtomicLong millis, AtomicLong reads, ZoneId zone) {
        this.millis = millis;
        this.reads = reads;
        this.zone = zone;
    }

    /** How many times the time has been read. */
    public long reads() {
        return reads.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(millis, reads, newZone);
    }

    @Override
    public long millis() {
        reads.incrementAndGet();
        return millis.get();
    }

    @Override
    public Instant instant() {
        reads.incrementAndGet();
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MutableClock that && that.millis == millis && that.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(millis) * 31 + zone.hashCode();
    }
}
