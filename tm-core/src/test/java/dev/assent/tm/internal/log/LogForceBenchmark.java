package dev.assent.tm.internal.log;

import dev.assent.tm.spi.TransactionListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How fast this disk forces, and how much of that group commit turns into commit decisions:
 * (a) raw {@code FileChannel.force(false)} per second after a 128-byte write, into a preallocated
 * file and at the end of a growing file; (b) forced commit decisions per second through
 * {@link FileTransactionLog} with 1, 16 and 64 committing threads. Not a test: run it by hand,
 * {@code java -cp ... dev.assent.tm.internal.log.LogForceBenchmark [seconds per run] [directory]}.
 * Files go to a fresh directory under {@code target/} and are deleted afterwards.
 */
public final class LogForceBenchmark {
    private static final int RECORD_BYTES = 128;
    private static final long PREALLOCATED_BYTES = 64L << 20;

    private LogForceBenchmark() {}

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        Path root =
                args.length > 1 ? Path.of(args[1]) : Path.of("target", "log-benchmark-" + System.currentTimeMillis());
        Files.createDirectories(root);
        long nanos = seconds * 1_000_000_000L;
        try {
            System.out.printf(
                    Locale.ROOT,
                    "directory %s, %d s per run, %d CPUs%n",
                    root.toAbsolutePath(),
                    seconds,
                    Runtime.getRuntime().availableProcessors());
            double preallocated = rawForces(root.resolve("preallocated.bin"), true, nanos);
            double appended = rawForces(root.resolve("appended.bin"), false, nanos);
            System.out.printf(Locale.ROOT, "raw force(false), preallocated file: %,10.0f forces/s%n", preallocated);
            System.out.printf(Locale.ROOT, "raw force(false), appended file:     %,10.0f forces/s%n", appended);
            logRun(root.resolve("warm-up"), 16, Math.min(nanos, 1_000_000_000L)); // JIT, not reported
            for (int threads : new int[] {1, 16, 64}) {
                LogRun run = logRun(root.resolve("log-" + threads), threads, nanos);
                System.out.printf(
                        Locale.ROOT,
                        "FileTransactionLog, %2d threads:       %,10.0f decisions/s, %,8.0f forces/s,"
                                + " %5.1f records per force%n",
                        threads,
                        run.decisions / run.seconds,
                        run.forces / run.seconds,
                        (double) run.forcedRecords / Math.max(1, run.forces));
            }
        } finally {
            deleteRecursively(root);
        }
    }

    private static double rawForces(Path file, boolean preallocate, long nanos) throws IOException {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (preallocate) {
                ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                for (long offset = 0; offset < PREALLOCATED_BYTES; offset += zeros.capacity()) {
                    zeros.clear();
                    channel.write(zeros, offset);
                }
                channel.force(true);
            }
            ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
            long forces = 0;
            long started = System.nanoTime();
            long position = 0;
            while (System.nanoTime() - started < nanos && position + RECORD_BYTES <= PREALLOCATED_BYTES) {
                record.clear();
                channel.write(record, position);
                channel.force(false);
                position += RECORD_BYTES;
                forces++;
            }
            return forces / ((System.nanoTime() - started) / 1e9);
        }
    }

    private record LogRun(long decisions, long forces, long forcedRecords, double seconds) {}

    private static LogRun logRun(Path directory, int threads, long nanos) throws Exception {
        AtomicLong forces = new AtomicLong();
        AtomicLong forcedRecords = new AtomicLong();
        TransactionListener counter = new TransactionListener() {
            @Override
            public void logForced(int records, long forceNanos) {
                forces.incrementAndGet();
                forcedRecords.addAndGet(records);
            }
        };
        AtomicLong decisions = new AtomicLong();
        long started;
        long stopped;
        try (FileTransactionLog log = FileTransactionLog.open(
                directory, "bench", FileLogOptions.defaults().withListener(counter))) {
            long forcesBefore = forces.get();
            long recordsBefore = forcedRecords.get();
            started = System.nanoTime();
            long deadline = started + nanos;
            List<Thread> committers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = t * 1_000_000_000L;
                committers.add(new Thread(() -> commitUntil(log, first, deadline, decisions)));
            }
            committers.forEach(Thread::start);
            for (Thread committer : committers) {
                committer.join();
            }
            stopped = System.nanoTime();
            forces.addAndGet(-forcesBefore);
            forcedRecords.addAndGet(-recordsBefore);
        }
        return new LogRun(decisions.get(), forces.get(), forcedRecords.get(), (stopped - started) / 1e9);
    }

    /** What the coordinator does per two-phase commit: force a decision, append a lazy completion. */
    private static void commitUntil(FileTransactionLog log, long first, long deadline, AtomicLong decisions) {
        try {
            for (long transaction = first; System.nanoTime() < deadline; transaction++) {
                log.appendDurably(TestRecords.decision(transaction));
                log.append(TestRecords.completed(transaction));
                decisions.incrementAndGet();
            }
        } catch (LogException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
