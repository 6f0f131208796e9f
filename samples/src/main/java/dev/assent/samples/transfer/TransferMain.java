package dev.assent.samples.transfer;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Locale;

/**
 * The cross-database transfer: Assent's main program. Two embedded H2 databases play two banks;
 * every transfer debits one and credits the other in one XA transaction. The report at the end
 * proves the guarantees: the money is all there, and nothing is left prepared.
 */
public final class TransferMain {
    private TransferMain() {}

    public static void main(String[] args) throws Exception {
        TransferOptions options;
        try {
            options = TransferOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(TransferOptions.USAGE);
            return;
        }
        System.exit(run(options, System.out) ? 0 : 1);
    }

    /** Runs the sample and prints the report; true when every check passed. */
    static boolean run(TransferOptions options, PrintStream out) throws Exception {
        Files.createDirectories(options.dataDir());
        Bank bankA = new Bank("bank-a", options.dataDir());
        Bank bankB = new Bank("bank-b", options.dataDir());
        bankA.createAccounts(options.accounts(), options.initialBalance());
        bankB.createAccounts(options.accounts(), options.initialBalance());
        long before = bankA.totalBalance() + bankB.totalBalance();

        out.printf(
                Locale.ROOT,
                "Assent transfer sample: %d transfers on %d threads between %s and %s (H2, %s)%n",
                options.transfers(),
                options.threads(),
                bankA.name(),
                bankB.name(),
                options.dataDir().toAbsolutePath());
        TransferWorkload workload;
        long[] latencies;
        long elapsed;
        try (AssentTransactionManager tm =
                Assent.configure().nodeId("transfer-sample").inMemoryLog().build()) {
            workload = new TransferWorkload(tm, bankA, bankB, options);
            long start = System.nanoTime();
            ProgressBar progress = new ProgressBar(out, options.transfers(), workload::finished);
            try {
                latencies = workload.run();
            } finally {
                progress.close();
            }
            elapsed = System.nanoTime() - start;
        }

        long after = bankA.totalBalance() + bankB.totalBalance();
        long preparedA = bankA.preparedTransactions();
        long preparedB = bankB.preparedTransactions();
        bankA.shutdown();
        bankB.shutdown();

        boolean moneyConserved = before == after;
        boolean nothingPrepared = preparedA == 0 && preparedB == 0;
        boolean noFailures = workload.failed() == 0;
        out.printf(Locale.ROOT, "%n  transfers committed         %,10d%n", workload.committed());
        out.printf(Locale.ROOT, "  rolled back (no funds)      %,10d%n", workload.insufficientFunds());
        out.printf(
                Locale.ROOT,
                "  failed                      %,10d%s%n",
                workload.failed(),
                noFailures ? "" : "  <-- unexpected");
        out.printf(
                Locale.ROOT, "  throughput                  %,10.0f transfers/s%n", latencies.length / (elapsed / 1e9));
        out.printf(
                Locale.ROOT,
                "  latency p50 / p99           %10.2f ms / %.2f ms%n",
                percentile(latencies, 0.50) / 1e6,
                percentile(latencies, 0.99) / 1e6);
        out.printf(
                Locale.ROOT,
                "  money before / after        %,10d / %,d  %s%n",
                before,
                after,
                moneyConserved ? "OK, conserved" : "MISMATCH");
        out.printf(
                Locale.ROOT,
                "  prepared transactions left  %s %d, %s %d  %s%n",
                bankA.name(),
                preparedA,
                bankB.name(),
                preparedB,
                nothingPrepared ? "OK" : "NOT RESOLVED");
        return moneyConserved && nothingPrepared && noFailures;
    }

    private static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
    }
}
