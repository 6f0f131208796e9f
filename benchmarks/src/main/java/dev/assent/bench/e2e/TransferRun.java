package dev.assent.bench.e2e;

import dev.assent.bench.BenchDirectories;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the transfer workload of one system, one thread count after another, in this JVM (a fork of
 * its own per system: Narayana and Atomikos are singletons), then checks the databases: every
 * committed transfer moved one unit from A to B, nothing else changed, nothing is left prepared.
 *
 * <pre>
 * TransferRun --manager ID --url-a URL --url-b URL [--user U] [--password P] [--threads 1,8,32]
 *             [--warmup SECONDS] [--measure SECONDS] [--accounts N] --out FILE.csv
 * </pre>
 */
public final class TransferRun {
    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private final TransferSystem system;
    private final String manager;
    private final int accounts;
    private final AtomicLong committed = new AtomicLong();

    TransferRun(TransferSystem system, String manager, int accounts) {
        this.system = system;
        this.manager = manager;
        this.accounts = accounts;
    }

    /** Transfers committed so far, warm-up included. */
    long committed() {
        return committed.get();
    }

    /** Warm-up, then the measured interval, with {@code threads} threads transferring flat out. */
    E2eResult measure(int threads, Duration warmup, Duration measured) throws Exception {
        AtomicInteger phase = new AtomicInteger(WARMUP);
        List<Loop> loops = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Loop loop = new Loop(phase);
            loops.add(loop);
            Thread t = new Thread(loop, "transfer-" + manager + "-" + i);
            running.add(t);
            t.start();
        }
        Thread.sleep(warmup.toMillis());
        long start = System.nanoTime();
        phase.set(MEASURE);
        Thread.sleep(measured.toMillis());
        phase.set(STOP);
        long end = System.nanoTime();
        for (Thread t : running) {
            t.join();
        }
        long[] latencies = new long[0];
        long errors = 0;
        for (Loop loop : loops) {
            if (loop.failure.get() != null) {
                throw new IllegalStateException("a transfer thread could not run", loop.failure.get());
            }
            Outcome outcome = loop.outcome.get();
            long[] mine = outcome.latencies();
            long[] all = Arrays.copyOf(latencies, latencies.length + mine.length);
            System.arraycopy(mine, 0, all, latencies.length, mine.length);
            latencies = all;
            errors += outcome.errors();
        }
        Arrays.sort(latencies);
        double seconds = (end - start) / 1e9;
        return new E2eResult(
                manager,
                threads,
                latencies.length,
                seconds,
                latencies.length / seconds,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                errors);
    }

    /** {@code transfers} transfers on each of {@code threads} threads (the smoke test's run). */
    void runCount(int threads, int transfers) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try (TransferSystem.Worker worker = system.worker()) {
                    for (int n = 0; n < transfers; n++) {
                        transferOnce(worker);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            });
            running.add(t);
            t.start();
        }
        for (Thread t : running) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private void transferOnce(TransferSystem.Worker worker) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        worker.transfer(random.nextInt(accounts) + 1, random.nextInt(accounts) + 1, 1);
        committed.incrementAndGet();
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    /**
     * Checks the databases after {@code committed} transfers of one unit from {@code totalA} and
     * {@code totalB}: A lost exactly that, B gained exactly that, nothing is prepared.
     */
    static void check(Endpoint a, Endpoint b, long totalA, long totalB, long committed) throws SQLException {
        long afterA = TransferDatabases.total(a);
        long afterB = TransferDatabases.total(b);
        long preparedA = TransferDatabases.prepared(a);
        long preparedB = TransferDatabases.prepared(b);
        if (afterA != totalA - committed || afterB != totalB + committed || preparedA != 0 || preparedB != 0) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "databases inconsistent after %d committed transfers: A %d -> %d, B %d -> %d, prepared %d + %d",
                    committed,
                    totalA,
                    afterA,
                    totalB,
                    afterB,
                    preparedA,
                    preparedB));
        }
    }

    /** What one thread measured, handed over when it stops. */
    private record Outcome(long[] latencies, long errors) {}

    /** One thread's transfers until the phase says stop; latencies kept for the measured phase. */
    private final class Loop implements Runnable {
        private final AtomicInteger phase;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final AtomicReference<Outcome> outcome = new AtomicReference<>(new Outcome(new long[0], 0));

        Loop(AtomicInteger phase) {
            this.phase = phase;
        }

        @Override
        public void run() {
            Latencies latencies = new Latencies();
            long errors = 0;
            try (TransferSystem.Worker worker = system.worker()) {
                int p;
                while ((p = phase.get()) != STOP) {
                    long start = System.nanoTime();
                    try {
                        transferOnce(worker);
                    } catch (Exception e) {
                        if (errors++ == 0) {
                            System.err.println("transfer failed (" + manager + "): " + e);
                        }
                        continue;
                    }
                    long elapsed = System.nanoTime() - start;
                    if (p == MEASURE && phase.get() == MEASURE) {
                        latencies.add(elapsed);
                    }
                }
                outcome.set(new Outcome(latencies.toArray(), errors));
            } catch (Exception e) {
                failure.set(e);
            }
        }
    }

    /** A growing array of latencies in nanoseconds, used by one thread only. */
    private static final class Latencies {
        private long[] values = new long[1 << 14];
        private int count;

        void add(long nanos) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = nanos;
        }

        long[] toArray() {
            return Arrays.copyOf(values, count);
        }
    }

    public static void main(String[] args) throws Exception {
        String managerId = null;
        String urlA = null;
        String urlB = null;
        String user = "postgres";
        String password = TransferDatabases.PASSWORD;
        int[] threads = {1, 8, 32};
        Duration warmup = Duration.ofSeconds(5);
        Duration measured = Duration.ofSeconds(15);
        int accounts = 1000;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--manager" -> managerId = value;
                case "--url-a" -> urlA = value;
                case "--url-b" -> urlB = value;
                case "--user" -> user = value;
                case "--password" -> password = value;
                case "--threads" -> threads = threadCounts(value);
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(String.valueOf(value)));
                case "--measure" -> measured = Duration.ofSeconds(Long.parseLong(String.valueOf(value)));
                case "--accounts" -> accounts = Integer.parseInt(String.valueOf(value));
                case "--out" -> out = Path.of(String.valueOf(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (managerId == null || urlA == null || urlB == null || out == null) {
            throw new IllegalArgumentException("usage: TransferRun --manager ID --url-a URL --url-b URL --out FILE");
        }
        String id = managerId;
        E2eManager manager =
                E2eManager.byId(id).orElseThrow(() -> new IllegalArgumentException("unknown manager " + id));
        Endpoint a = new Endpoint(urlA, user, password);
        Endpoint b = new Endpoint(urlB, user, password);
        List<E2eResult> results = run(manager, a, b, threads, warmup, measured, accounts);
        E2eReport.writeCsv(results, out);
    }

    static int[] threadCounts(String list) {
        return Arrays.stream(String.valueOf(list).split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    /** Starts {@code manager}, measures every thread count, stops it and checks the databases. */
    static List<E2eResult> run(
            E2eManager manager, Endpoint a, Endpoint b, int[] threads, Duration warmup, Duration measured, int accounts)
            throws Exception {
        long totalA = TransferDatabases.total(a);
        long totalB = TransferDatabases.total(b);
        int poolSize = Arrays.stream(threads).max().orElse(1);
        Path logs = BenchDirectories.create("e2e-" + manager.id());
        List<E2eResult> results = new ArrayList<>();
        long committed;
        try {
            try (TransferSystem system = manager.start(logs, a, b, poolSize)) {
                TransferRun run = new TransferRun(system, manager.id(), accounts);
                for (int t : threads) {
                    E2eResult r = run.measure(t, warmup, measured);
                    System.out.println(line(r));
                    results.add(r);
                }
                committed = run.committed();
            }
        } finally {
            deleteQuietly(logs);
        }
        check(a, b, totalA, totalB, committed);
        System.out.println(
                manager.id() + ": " + committed + " transfers committed; totals and pg_prepared_xacts check out");
        return results;
    }

    static String line(E2eResult r) {
        return String.format(
                Locale.ROOT,
                "%-17s %3d threads: %,10.1f tx/s  p50 %7.2f ms  p99 %7.2f ms  (%d measured, %d errors)",
                r.manager(),
                r.threads(),
                r.opsPerSecond(),
                r.p50Millis(),
                r.p99Millis(),
                r.transactions(),
                r.errors());
    }

    private static void deleteQuietly(Path directory) {
        try {
            BenchDirectories.delete(directory);
        } catch (IOException e) {
            System.err.println("could not delete " + directory + ": " + e);
        }
    }
}
