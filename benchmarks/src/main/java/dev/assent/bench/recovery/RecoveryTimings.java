package dev.assent.bench.recovery;

/**
 * How long one recovery took, measured inside the recovering JVM.
 *
 * @param totalNanos from the first call into the manager (building or starting it) until its
 *     recovery returned with every branch finished
 * @param openNanos opening the log and reading it back (Assent: {@code build()} until the start-up
 *     scan asks the first resource; Narayana: opening the object store and starting the recovery
 *     manager until the first recovery module starts)
 * @param scanNanos the recovery scan's own work: asking the resources, committing every branch,
 *     recording completions
 * @param waitNanos time the manager spent waiting on purpose inside the scan (Narayana's
 *     configured back-off between its two passes; zero for Assent)
 * @param committedByScan branches the manager says it committed, or -1 if it does not say
 */
public record RecoveryTimings(long totalNanos, long openNanos, long scanNanos, long waitNanos, long committedByScan) {}
