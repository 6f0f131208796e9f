package dev.assent.bench.e2e;

/**
 * One system at one thread count: committed transfers per second over the measured interval, and
 * the latency of one transfer (begin to commit returned) at the median and the 99th percentile.
 */
public record E2eResult(
        String manager,
        int threads,
        long transactions,
        double seconds,
        double opsPerSecond,
        double p50Millis,
        double p99Millis,
        long errors) {}
