package dev.assent.bench.log;

import dev.assent.bench.BenchDirectories;
import dev.assent.bench.report.RunMachine;
import dev.assent.tm.internal.log.FileLogOptions;
import dev.assent.tm.internal.log.FileTransactionLog;
import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Throughput second by second while the file log rolls over from one segment to the next: what a
 * committer sees when the log starts a segment. Committer threads force a commit decision and
 * append its completion, as the coordinator does per two-phase commit, into a log with small
 * segments, so that a rollover happens every few seconds. Each second gets the decisions made
 * durable in it, the longest wait for a force, and whether a new segment started in it.
 *
 * <pre>
 * LogRolloverBenchmark --out DIR [--seconds 30] [--threads 16] [--segment-mib 8] [--title TEXT]
 * </pre>
 *
 * Writes {@code rollover.csv} ({@code second,decisions,max_wait_ms,segment,rollover}) and
 * {@code rollover-machine.txt} into {@code DIR}, and prints the series and its medians.
 */
public final class LogRolloverBenchmark {
    static final String CSV = "rollover.csv";
    static final String MACHINE = "rollover-machine.txt";
    private static final Pattern SEGMENT = Pattern.compile("assent-(\\d+)\\.log");

    private LogRolloverBenchmark() {}

    /** One second of the series. */
    record Second(int second, long decisions, double maxWaitMillis, long segment, boolean rollover) {}

    public static void main(String[] args) throws Exception {
        Path out = null;
        int seconds = 30;
        int threads = 16;
        long segmentMib = 8;
        String title = "";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--out" -> out = Path.of(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--segment-mib" -> segmentMib = Long.parseLong(value);
                case "--title" -> title = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: LogRolloverBenchmark --out DIR [--seconds 30] [--threads 16]"
                    + " [--segment-mib 8] [--title TEXT]");
        }
        Files.createDirectories(out);
        Path directory = BenchDirectories.create("rollover");
        RunMachine machine = RunMachine.started(directory);
        System.out.print("machine:\n" + machine.markdown("log"));
        System.out.printf(
                Locale.ROOT,
                "log rollover%s: %d threads, %d MiB segments, %d s%n",
                title.isEmpty() ? "" : " (" + title + ")",
                threads,
                segmentMib,
                seconds);
        List<Second> series;
        try {
            series = run(directory, threads, segmentMib << 20, seconds);
        } finally {
            BenchDirectories.delete(directory);
        }
        machine = machine.ended();
        System.out.println("load average at the end (1, 5, 15 min): " + machine.loadAtEnd());
        print(series);
        write(series, out.resolve(CSV));
        machine.write(out.resolve(MACHINE));
        System.out.println("wrote " + out.resolve(CSV) + " and " + out.resolve(MACHINE));
    }

    /** Runs the committers for {@code seconds} (after one second of warm-up) and returns the series. */
    static List<Second> run(Path directory, int threads, long segmentBytes, int seconds) throws InterruptedException {
        AtomicLongArray decisions = new AtomicLongArray(seconds);
        AtomicLongArray maxWaitNanos = new AtomicLongArray(seconds);
        long[] segments = new long[seconds];
        FileLogOptions options = FileLogOptions.defaults().withSegmentBytes(segmentBytes);
        try (FileTransactionLog log = FileTransactionLog.open(directory, "rollover", options)) {
            long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // one second of warm-up first
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> committers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = (long) t << 40;
                committers.add(
                        new Thread(() -> commit(log, first, start, end, decisions, maxWaitNanos), "committer-" + t));
            }
            committers.forEach(Thread::start);
            for (int s = 0; s < seconds; s++) {
                sleepUntil(start + TimeUnit.SECONDS.toNanos(s + 1));
                segments[s] = newestSegment(directory);
            }
            for (Thread committer : committers) {
                committer.join();
            }
        }
        List<Second> series = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            boolean rollover = s > 0 && segments[s] > segments[s - 1];
            series.add(new Second(s + 1, decisions.get(s), maxWaitNanos.get(s) / 1e6, segments[s], rollover));
        }
        return series;
    }

    /** What the coordinator does per two-phase commit: force a decision, append a lazy completion. */
    private static void commit(
            FileTransactionLog log,
            long first,
            long start,
            long end,
            AtomicLongArray decisions,
            AtomicLongArray maxWaitNanos) {
        try {
            for (long transaction = first; ; transaction++) {
                long begun = System.nanoTime();
                if (begun >= end) {
                    return;
                }
                log.appendDurably(decision(transaction));
                long done = System.nanoTime();
                log.append(new LogRecord.Completed(xid(transaction)));
                if (begun >= start && done < end) {
                    int second = (int) TimeUnit.NANOSECONDS.toSeconds(done - start);
                    decisions.incrementAndGet(second);
                    long wait = done - begun;
                    maxWaitNanos.accumulateAndGet(second, wait, Math::max);
                }
            }
        } catch (LogException e) {
            throw new IllegalStateException("the log failed during the benchmark", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LogRecord.CommitDecision decision(long transaction) {
        AssentXid global = xid(transaction);
        return new LogRecord.CommitDecision(
                global,
                List.of(
                        new LogRecord.BranchRef(global.withBranchQualifier(new byte[] {1}), "bank-a"),
                        new LogRecord.BranchRef(global.withBranchQualifier(new byte[] {2}), "bank-b")));
    }

    private static AssentXid xid(long transaction) {
        byte[] gtrid = ByteBuffer.allocate(16)
                .putLong(0x526F6C6CL)
                .putLong(transaction)
                .array();
        return new AssentXid(XidFactory.FORMAT_ID, gtrid, new byte[0]);
    }

    /**
     * The newest segment that has a header: one the writer started. A segment zero-filled in
     * advance has a blank header until the writer starts it.
     */
    static long newestSegment(Path directory) {
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.forEach(file -> {
                Matcher matcher = SEGMENT.matcher(String.valueOf(file.getFileName()));
                if (matcher.matches() && hasHeader(file)) {
                    numbers.add(Long.parseLong(matcher.group(1)));
                }
            });
        } catch (IOException e) {
            return -1; // a listing raced with a deletion: this second's segment is unknown
        }
        return numbers.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private static boolean hasHeader(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && (magic[0] | magic[1] | magic[2] | magic[3]) != 0;
        } catch (IOException e) {
            return false; // deleted meanwhile: an old segment, not the newest
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static void print(List<Second> series) {
        System.out.println("second  decisions/s  max wait ms  segment");
        for (Second s : series) {
            System.out.printf(
                    Locale.ROOT,
                    "%6d  %11d  %11.1f  %7d%s%n",
                    s.second(),
                    s.decisions(),
                    s.maxWaitMillis(),
                    s.segment(),
                    s.rollover() ? "  <- new segment" : "");
        }
        List<Second> rollovers = series.stream().filter(Second::rollover).toList();
        List<Second> others = series.stream().filter(s -> !s.rollover()).toList();
        System.out.printf(
                Locale.ROOT,
                "medians: seconds with a rollover (%d): %.0f decisions/s, max wait %.1f ms;"
                        + " other seconds (%d): %.0f decisions/s, max wait %.1f ms%n",
                rollovers.size(),
                median(rollovers.stream().mapToDouble(Second::decisions).toArray()),
                median(rollovers.stream().mapToDouble(Second::maxWaitMillis).toArray()),
                others.size(),
                median(others.stream().mapToDouble(Second::decisions).toArray()),
                median(others.stream().mapToDouble(Second::maxWaitMillis).toArray()));
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static void write(List<Second> series, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("second,decisions,max_wait_ms,segment,rollover");
        for (Second s : series) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%d,%d,%.3f,%d,%b",
                    s.second(),
                    s.decisions(),
                    s.maxWaitMillis(),
                    s.segment(),
                    s.rollover()));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
