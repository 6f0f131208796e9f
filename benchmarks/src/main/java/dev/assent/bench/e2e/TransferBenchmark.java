package dev.assent.bench.e2e;

import dev.assent.bench.BenchDirectories;
import dev.assent.bench.report.RunMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The end-to-end benchmark: starts two embedded PostgreSQL servers once, seeds both
 * {@code accounts} tables, then runs {@link TransferRun} for every system in a JVM of its own and
 * writes {@code e2e.csv}, {@code e2e.png} and the end-to-end section of {@code results.md}.
 *
 * <pre>
 * TransferBenchmark --out DIR [--threads 1,8,32] [--warmup SECONDS] [--measure SECONDS]
 *                   [--accounts N] [--managers id,...] [--title TEXT]
 * </pre>
 */
public final class TransferBenchmark {
    private TransferBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path out = null;
        String threads = "1,8,32";
        String warmup = "5";
        String measure = "15";
        int accounts = 1000;
        List<String> managers =
                Arrays.stream(E2eManager.values()).map(E2eManager::id).collect(Collectors.toList());
        String title = "";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--out" -> out = Path.of(value);
                case "--threads" -> threads = value;
                case "--warmup" -> warmup = value;
                case "--measure" -> measure = value;
                case "--accounts" -> accounts = Integer.parseInt(value);
                case "--managers" -> managers = List.of(value.split(","));
                case "--title" -> title = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: TransferBenchmark --out DIR [--threads 1,8,32] [--warmup S]"
                    + " [--measure S] [--accounts N] [--managers id,...] [--title TEXT]");
        }
        Files.createDirectories(out);
        RunMachine machine = RunMachine.started(BenchDirectories.parent());
        System.out.print("machine:\n" + machine.markdown("logs"));
        List<E2eResult> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        String durability;
        try (TransferDatabases databases = TransferDatabases.twoServers()) {
            durability = databases.durability();
            System.out.println("PostgreSQL servers, durability read back after start: " + durability);
            databases.seed(accounts);
            for (String manager : managers) {
                E2eManager.byId(manager).orElseThrow(() -> new IllegalArgumentException("unknown manager " + manager));
                System.out.println("== end to end: " + manager + ", threads " + threads);
                Path rows = Files.createTempFile(out, "e2e-" + manager + "-", ".csv");
                try {
                    int exit = fork(manager, databases, threads, warmup, measure, accounts, rows);
                    if (exit == 0) {
                        results.addAll(E2eReport.readCsv(rows));
                    } else {
                        failed.add(manager);
                        System.out.println("note: " + manager + " failed (exit " + exit + "); left out of the report");
                    }
                } finally {
                    Files.deleteIfExists(rows);
                }
            }
        }
        String setup = String.format(
                Locale.ROOT,
                "Two embedded PostgreSQL 17 servers (zonky binaries, durable: %s, read back after start;"
                        + " max_prepared_transactions %d) on this machine, %,d accounts each; a transfer debits a"
                        + " random account in A and credits a random one in B in one XA transaction (two-phase: both branches prepare). Every system"
                        + " runs in a JVM of its own; pools hold up to the largest thread count; %s s warm-up, then"
                        + " %s s measured per thread count. After each system the run checks that A lost and B gained"
                        + " exactly one unit per committed transfer and that pg_prepared_xacts is empty.%s",
                durability,
                TransferDatabases.MAX_PREPARED_TRANSACTIONS,
                accounts,
                warmup,
                measure,
                failed.isEmpty() ? "" : " Failed (no result): " + String.join(", ", failed) + ".");
        machine = machine.ended();
        System.out.println("load average at the end (1, 5, 15 min): " + machine.loadAtEnd());
        // The set-up text carries the machine, so that a later report (ReportMain) rebuilds the section with it.
        setup = setup + "\n\nThe machine of this run:\n\n" + machine.markdown("logs");
        E2eReport.writeCsv(results, out.resolve(E2eReport.CSV));
        machine.write(out.resolve(E2eReport.MACHINE));
        Files.writeString(out.resolve(E2eReport.SETUP), setup, StandardCharsets.UTF_8);
        E2eReport.writeInto(out.resolve("results.md"), E2eReport.markdown(results, setup), title);
        if (!results.isEmpty()) {
            E2eReport.chart(
                    results, "Transfers over two PostgreSQL databases (" + title + ")", out.resolve(E2eReport.CHART));
        }
        System.out.println("wrote " + out.resolve(E2eReport.CSV));
        if (!failed.isEmpty()) {
            throw new IllegalStateException("no result from " + String.join(", ", failed) + " (see the log above)");
        }
    }

    private static int fork(
            String manager,
            TransferDatabases databases,
            String threads,
            String warmup,
            String measure,
            int accounts,
            Path rows)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + BenchDirectories.PROPERTY + "=" + BenchDirectories.parent(),
                "-cp",
                System.getProperty("java.class.path"),
                TransferRun.class.getName(),
                "--manager",
                manager,
                "--url-a",
                databases.a().url(),
                "--url-b",
                databases.b().url(),
                "--user",
                databases.a().user(),
                "--password",
                databases.a().password(),
                "--threads",
                threads,
                "--warmup",
                warmup,
                "--measure",
                measure,
                "--accounts",
                Integer.toString(accounts),
                "--out",
                rows.toString()));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
