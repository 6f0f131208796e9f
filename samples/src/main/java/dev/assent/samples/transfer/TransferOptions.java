package dev.assent.samples.transfer;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/** The transfer sample's command line, parsed and checked once. */
record TransferOptions(
        int threads,
        int transfers,
        int accounts,
        long initialBalance,
        Path dataDir,
        DatabaseSetup setup,
        Endpoint externalA,
        Endpoint externalB,
        int crashAfter,
        int threadsAsked,
        boolean verbose,
        boolean help) {

    /** Where the two banks live. */
    enum DatabaseSetup {
        /** Two embedded H2 file databases (H2 can lose updates under this load: see {@code --help}). */
        H2,
        /** Two embedded PostgreSQL servers: the default. */
        POSTGRES,
        /** Two embedded MariaDB servers. */
        MARIADB,
        /** An embedded PostgreSQL server (bank A) and an embedded MariaDB server (bank B). */
        MIXED,
        /** Two servers the user runs, given by --url-a and --url-b. */
        EXTERNAL
    }

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: java -jar assent-transfer.jar [options]",
            "",
            "Moves money between accounts held in two databases (bank A and bank B) with",
            "Assent coordinating each transfer as one XA transaction, then checks that no",
            "money appeared or vanished and that no transaction was left prepared. The",
            "transaction log lives in <data-dir>/log; a run first recovers what an earlier",
            "run left unfinished and reports it.",
            "",
            "Options:",
            "  --threads N        concurrent transfer threads (default 4)",
            "  --transfers N      transfers in total (default 2000)",
            "  --accounts N       accounts per bank, when a bank is created (default 50)",
            "  --balance N        opening balance of each account, in cents (default 10000)",
            "  --data-dir DIR     where the transaction log and the embedded databases live",
            "                     (default ./transfer-data)",
            "  --db KIND          the two banks' databases (default postgres):",
            "                       postgres  two embedded PostgreSQL 17 servers",
            "                       h2        two embedded H2 file databases; H2 itself can lose",
            "                                 updates under this load, so the money may not add",
            "                                 up (the run says more when it starts)",
            "                       mariadb   two embedded MariaDB 11.4 servers",
            "                       mixed     embedded PostgreSQL (bank A) and MariaDB (bank B)",
            "                     embedded servers run on Linux x86-64, keep their files under",
            "                     the data directory and are stopped at the end of the run",
            "  --url-a URL        bank A on a server of your own (jdbc:postgresql:, jdbc:mariadb:,",
            "  --url-b URL        jdbc:mysql: or jdbc:h2:); give both, instead of --db",
            "  --user-a U, --password-a P, --user-b U, --password-b P",
            "                     logins for --url-a and --url-b",
            "  --crash-after N    halt the process in the middle of a commit after N committed",
            "                     transfers (decision logged, branches prepared); the next run",
            "                     recovers. N must be below --transfers",
            "  --verbose          print the stack trace of a failure, not only its sentence",
            "  --help             this text",
            "",
            "Exit status: 0 when every check passed, 1 when the run failed or a check did",
            "not pass, 2 for a wrong option, 3 when --crash-after halted the run.");

    static TransferOptions parse(String... args) {
        int threads = 4;
        int transfers = 2000;
        int accounts = 50;
        long balance = 10_000;
        Path dataDir = Path.of("transfer-data");
        DatabaseSetup setup = DatabaseSetup.POSTGRES;
        boolean setupGiven = false;
        String urlA = null;
        String urlB = null;
        String userA = "";
        String passwordA = "";
        String userB = "";
        String passwordB = "";
        int crashAfter = 0;
        boolean verbose = false;
        boolean help = false;
        Deque<String> queue = new ArrayDeque<>(List.of(args));
        while (!queue.isEmpty()) {
            String option = queue.poll();
            switch (option) {
                case "--threads" -> threads = positive(option, queue);
                case "--transfers" -> transfers = positive(option, queue);
                case "--accounts" -> accounts = positive(option, queue);
                case "--balance" -> balance = positive(option, queue);
                case "--data-dir" -> dataDir = Path.of(value(option, queue));
                case "--db" -> {
                    setup = setup(value(option, queue));
                    setupGiven = true;
                }
                case "--url-a" -> urlA = value(option, queue);
                case "--url-b" -> urlB = value(option, queue);
                case "--user-a" -> userA = value(option, queue);
                case "--password-a" -> passwordA = value(option, queue);
                case "--user-b" -> userB = value(option, queue);
                case "--password-b" -> passwordB = value(option, queue);
                case "--crash-after" -> crashAfter = positive(option, queue);
                case "--verbose" -> verbose = true;
                case "--help", "-h" -> help = true;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + option + "'; run with --help to see the options");
            }
        }
        if (accounts < 2) {
            throw new IllegalArgumentException("--accounts must be at least 2, got " + accounts);
        }
        Endpoint externalA = null;
        Endpoint externalB = null;
        if (urlA != null || urlB != null) {
            if (urlA == null || urlB == null) {
                throw new IllegalArgumentException("--url-a and --url-b go together; give both");
            }
            if (setupGiven) {
                throw new IllegalArgumentException("--db and --url-a/--url-b exclude each other; give one");
            }
            setup = DatabaseSetup.EXTERNAL;
            externalA = Endpoint.of("--url-a", urlA, userA, passwordA);
            externalB = Endpoint.of("--url-b", urlB, userB, passwordB);
            if (externalA.databaseKey().equals(externalB.databaseKey())) {
                // Two branches of one transaction would then lock the same row: a transfer waits
                // for itself until the lock times out.
                throw new IllegalArgumentException(
                        "--url-a and --url-b name the same database; give two different databases");
            }
        }
        if (crashAfter >= transfers) {
            // The halt comes at the commit decision after the N-th, so it needs N + 1 transfers.
            throw new IllegalArgumentException("--crash-after " + crashAfter + " can never halt a run of " + transfers
                    + " transfers; give a number below --transfers");
        }
        // A thread beyond one per transfer would only start and stop again.
        int threadsRun = Math.min(threads, transfers);
        return new TransferOptions(
                threadsRun,
                transfers,
                accounts,
                balance,
                dataDir,
                setup,
                externalA,
                externalB,
                crashAfter,
                threads,
                verbose,
                help);
    }

    private static DatabaseSetup setup(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "h2" -> DatabaseSetup.H2;
            case "postgres", "postgresql" -> DatabaseSetup.POSTGRES;
            case "mariadb" -> DatabaseSetup.MARIADB;
            case "mixed" -> DatabaseSetup.MIXED;
            default ->
                throw new IllegalArgumentException("--db takes h2, postgres, mariadb or mixed, got '" + value + "'");
        };
    }

    private static String value(String option, Deque<String> queue) {
        String value = queue.poll();
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value; run with --help to see the options");
        }
        return value;
    }

    private static int positive(String option, Deque<String> queue) {
        String value = value(option, queue);
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException(option + " takes a positive whole number, got '" + value + "'");
    }
}
