package dev.assent.bench.report;

/**
 * One JMH result, reduced to what the report shows.
 *
 * @param benchmark {@link #COORDINATOR} or {@link #FSYNC}
 * @param series the manager id (coordinator) or the file kind (fsync)
 * @param threads JMH threads
 * @param median the median of every measurement iteration of every fork, ops/s
 * @param error JMH's 99.9% confidence half-width around its mean, ops/s; NaN when there were too
 *     few iterations to tell
 * @param iterations how many measurement iterations the median is taken over
 */
public record Measurement(String benchmark, String series, int threads, double median, double error, int iterations) {
    public static final String COORDINATOR = "coordinator";
    public static final String FSYNC = "fsync";
}
