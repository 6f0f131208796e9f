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
 * <p>Note on concurrency: the test thread advances it, the timeout reaper reads it; the time is
 * an atomic.
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;
    private final ZoneId zone;

    public MutableClock(Instant start) {
        this(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
    }

    private MutableClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
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
        return new MutableClock(millis, newZone);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
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
