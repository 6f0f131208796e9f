package dev.assent.samples.transfer;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The cross-database transfer: Assent's main program. Two databases (embedded PostgreSQL by
 * default, or embedded H2 or MariaDB, or servers of the user's) play two banks; every transfer
 * debits one and credits the other in one XA transaction, coordinated with a durable log under
 * the data directory. A run first recovers what an earlier, crashed run left prepared. The report
 * at the end proves the guarantees: the money is all there, and nothing is left prepared.
 */
public final class TransferMain {
    /**
     * Printed when a bank is on H2: H2 itself loses updates under this workload, which no
     * transaction manager can make up for (see {@code dev.assent.samples.h2.H2LostUpdateRepro}).
     */
    static final String H2_CAVEAT = String.join(
            System.lineSeparator(),
            "  Caveat: H2 2.3 and 2.5 can lose updates when concurrent transactions on the same rows",
            "  roll back under CPU contention (plain JDBC, no XA involved), so on H2 a run may end",
            "  with the money not adding up through no fault of the transaction manager. The",
            "  default, --db postgres, does not have this problem. To watch H2 lose updates alone:",
            "    java -cp samples/target/assent-transfer.jar dev.assent.samples.h2.H2LostUpdateRepro");

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
        int status;
        try {
            status = run(options, System.out) ? 0 : 1;
        } catch (RunRefused e) {
            // Refused before anything was changed, with its own sentence and exit status.
            System.out.flush();
            System.err.println("error: " + e.getMessage());
            if (options.verbose()) {
                e.printStackTrace();
            }
            status = e.exitStatus();
        } catch (Exception | Error e) {
            // The library's failures are worded for the user already; a stack trace would bury
            // that sentence under thirty lines that only a developer reads.
            System.out.flush();
            System.err.println("error: " + FailureMessage.of(e));
            if (options.verbose()) {
                e.printStackTrace();
            }
            status = 1;
        }
        System.exit(status);
    }

    /** Runs the sample and prints the report; true when every check passed. */
    static boolean run(TransferOptions options, PrintStream out) throws Exception {
        prepareDataDirectory(options.dataDir());
        ServerLogs.configure(options.dataDir(), System.err);
        out.printf(
                Locale.ROOT,
                "Assent transfer sample: %s on %s, data in %s%n",
                Plural.of(options.transfers(), "transfer", "transfers"),
                Plural.of(options.threads(), "thread", "threads"),
                options.dataDir().toAbsolutePath());
        if (options.threadsAsked() != options.threads()) {
            out.printf(
                    Locale.ROOT,
                    "  --threads %d is more than there are transfers: running %s%n",
                    options.threadsAsked(),
                    Plural.of(options.threads(), "thread", "threads"));
        }
        if (onH2(options)) {
            out.println(H2_CAVEAT);
        }
        RunListener listener = new RunListener(options.crashAfter(), out);
        try (Databases databases = Databases.start(options, out);
                AssentTransactionManager tm = Assent.configure()
                        .nodeId("transfer-sample")
                        .logDirectory(options.dataDir().resolve("log"))
                        .listener(listener)
                        .build()) {
            listener.beforeHalt(() -> stopForCrash(databases, out));
            boolean embeddedH2 = options.setup() == TransferOptions.DatabaseSetup.H2;
            int poolSize = options.threads() + 2;
            try (Bank bankA = new Bank("bank-a", databases.bankA(), embeddedH2, tm, poolSize);
                    Bank bankB = new Bank("bank-b", databases.bankB(), embeddedH2, tm, poolSize)) {
                return transfer(options, out, tm, listener, bankA, bankB, databases.seededTotal());
            }
        }
    }

    private static boolean transfer(
            TransferOptions options,
            PrintStream out,
            AssentTransactionManager tm,
            RunListener listener,
            Bank bankA,
            Bank bankB,
            OptionalLong seededTotal)
            throws Exception {
        out.printf(Locale.ROOT, "  %s: %s%n  %s: %s%n", bankA.name(), bankA.endpoint(), bankB.name(), bankB.endpoint());
        if (options.setup() == TransferOptions.DatabaseSetup.EXTERNAL) {
            DistinctBanks.require(bankA, bankB);
        }
        // Registering the pools started recovery scans in the background; this one waits for them
        // and resolves whatever an earlier (crashed) run left prepared in either database.
        RecoveryReport recovery = tm.recover();
        int recoveredCommitted = listener.recoveredCommitted();
        int recoveredRolledBack = listener.recoveredRolledBack();
        out.printf(
                Locale.ROOT,
                "  recovery at start-up: %s committed, %d rolled back%s%n",
                Plural.of(recoveredCommitted, "branch", "branches"),
                recoveredRolledBack,
                recovery.isComplete() ? "" : "  <-- INCOMPLETE: " + recovery);

        int accountsA = openAccounts(bankA, options, out);
        int accountsB = openAccounts(bankB, options, out);
        long before = bankA.totalBalance() + bankB.totalBalance();

        TransferWorkload workload = new TransferWorkload(tm, bankA, bankB, options, accountsA, accountsB, before);
        long start = System.nanoTime();
        long[] latencies;
        ProgressBar progress = new ProgressBar(out, options.transfers(), workload::finished);
        try {
            latencies = workload.run();
        } finally {
            progress.close();
        }
        long elapsed = System.nanoTime() - start;

        long after = bankA.totalBalance() + bankB.totalBalance();
        long preparedA = bankA.preparedTransactions();
        long preparedB = bankB.preparedTransactions();

        // "before" is counted after recovery, which could itself have broken a transaction; the
        // seed markers of embedded banks say what the money must add up to since they were created.
        boolean seededTotalKept = seededTotal.isEmpty() || seededTotal.getAsLong() == after;
        boolean moneyConserved = before == after && seededTotalKept;
        boolean nothingPrepared = preparedA == 0 && preparedB == 0;
        boolean noFailures = workload.failed() == 0;
        // Reaching this line means no halt: with --crash-after the run did not do what was asked.
        boolean haltMissed = options.crashAfter() > 0;
        out.printf(
                Locale.ROOT,
                "%n  branches recovered          %,10d committed / %,d rolled back%n",
                recoveredCommitted,
                recoveredRolledBack);
        out.printf(Locale.ROOT, "  transfers committed         %,10d%n", workload.committed());
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
        if (!seededTotalKept) {
            out.printf(
                    Locale.ROOT,
                    "  money seeded                %,10d  MISMATCH: the banks no longer hold what they were seeded with%n",
                    seededTotal.getAsLong());
        }
        out.printf(
                Locale.ROOT,
                "  prepared transactions left  %s (%s) %d, %s (%s) %d  %s%n",
                bankA.name(),
                bankA.endpoint().product().label(),
                preparedA,
                bankB.name(),
                bankB.endpoint().product().label(),
                preparedB,
                nothingPrepared ? "OK" : "NOT RESOLVED");
        if (haltMissed) {
            out.printf(
                    Locale.ROOT,
                    "  --crash-after %d did not halt the run: it counts commit decisions, and this run made %d"
                            + " (overdrawn transfers roll back); give a smaller number%n",
                    options.crashAfter(),
                    listener.commitDecisions());
        }
        return moneyConserved && nothingPrepared && noFailures && recovery.isComplete() && !haltMissed;
    }

    /**
     * Creates the data directory, or says in one sentence why it cannot be used: the JDK's own
     * exceptions name only a path ({@code FileAlreadyExistsException: ./transfer-data}).
     */
    private static void prepareDataDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalStateException(
                    "--data-dir " + dir + " is a file, not a directory; give a directory (a missing one is created)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create the data directory " + dir + " (" + FailureMessage.of(e)
                            + "); give another --data-dir",
                    e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException(
                    "the data directory " + dir + " is not writable; give one you can write to with --data-dir");
        }
    }

    /**
     * Seeds a new bank with --accounts accounts and returns how many the bank holds: an existing
     * bank keeps its own number, and transfers only ever name accounts it has.
     */
    private static int openAccounts(Bank bank, TransferOptions options, PrintStream out) throws SQLException {
        int accounts = bank.accountCount();
        if (accounts != options.accounts()) {
            out.printf(
                    Locale.ROOT,
                    "  %s already holds %s; --accounts applies when a bank is created%n",
                    bank.name(),
                    Plural.of(accounts, "account", "accounts"));
        }
        return accounts;
    }

    private static boolean onH2(TransferOptions options) {
        return switch (options.setup()) {
            case H2 -> true;
            case EXTERNAL ->
                options.externalA().product() == Endpoint.Product.H2
                        || options.externalB().product() == Endpoint.Product.H2;
            case POSTGRES, MARIADB, MIXED -> false;
        };
    }

    /** Before a --crash-after halt: the embedded servers stop as a crashed host's would restart. */
    private static void stopForCrash(Databases databases, PrintStream out) {
        ServerLogs.silenceTerminal();
        try {
            databases.stopServers();
        } catch (Exception e) {
            out.println("  could not stop the embedded servers before halting: " + FailureMessage.of(e));
        }
    }

    private static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
    }
}
