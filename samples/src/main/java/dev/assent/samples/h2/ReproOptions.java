package dev.assent.samples.h2;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/** The command line of {@link H2LostUpdateRepro}, parsed and checked once. */
record ReproOptions(
        int rounds,
        int threads,
        int rows,
        int transactions,
        int rollbackPercent,
        int busyThreads,
        boolean fileDatabase,
        Path dir,
        String urlOptions,
        Isolation isolation,
        boolean selectForUpdate,
        boolean help) {

    /** The isolation level each worker connection runs at. */
    enum Isolation {
        READ_COMMITTED("read-committed", java.sql.Connection.TRANSACTION_READ_COMMITTED),
        REPEATABLE_READ("repeatable-read", java.sql.Connection.TRANSACTION_REPEATABLE_READ),
        SERIALIZABLE("serializable", java.sql.Connection.TRANSACTION_SERIALIZABLE);

        private final String option;
        private final int level;

        Isolation(String option, int level) {
            this.option = option;
            this.level = level;
        }

        String option() {
            return option;
        }

        int level() {
            return level;
        }
    }

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: java -cp assent-transfer.jar dev.assent.samples.h2.H2LostUpdateRepro [options]",
            "",
            "Plain JDBC against an embedded H2 database, no XA and no transaction manager:",
            "worker threads each run transactions that insert a ledger row (account, amount)",
            "and add the same amount to that account's balance, on a few hot rows; some",
            "transactions roll back. After each round every balance must equal the sum of",
            "its committed ledger rows. A round where it does not is a DRIFT, and the exit",
            "status is 1 (0 when every round agreed, 2 for a wrong option, 3 when the",
            "stress could not run, e.g. for a setting H2 refuses).",
            "",
            "Options:",
            "  --rounds N              rounds, each on a fresh database (default 20)",
            "  --threads N             worker threads (default 8)",
            "  --rows N                hot account rows (default 4)",
            "  --transactions N        transactions per round, all threads together (default 20000)",
            "  --rollback-percent P    share of transactions rolled back, 0-100 (default 30)",
            "  --busy N                threads that only burn CPU beside the workers, to create",
            "                          contention (default 2; 0 for none)",
            "  --db mem|file           in-memory or file database (default file)",
            "  --dir DIR               where file databases go (default a temporary directory)",
            "  --url-options OPTS      appended to the JDBC URL, e.g. ';LOCK_MODE=1'",
            "  --isolation LEVEL       read-committed (H2's default), repeatable-read or",
            "                          serializable",
            "  --select-for-update     lock the row with SELECT ... FOR UPDATE before the update",
            "  --help                  this text");

    static ReproOptions parse(String... args) {
        int rounds = 20;
        int threads = 8;
        int rows = 4;
        int transactions = 20_000;
        int rollbackPercent = 30;
        int busyThreads = 2;
        boolean fileDatabase = true;
        Path dir = null;
        String urlOptions = "";
        Isolation isolation = Isolation.READ_COMMITTED;
        boolean selectForUpdate = false;
        boolean help = false;
        Deque<String> queue = new ArrayDeque<>(List.of(args));
        while (!queue.isEmpty()) {
            String option = queue.poll();
            switch (option) {
                case "--rounds" -> rounds = number(option, queue, 1, Integer.MAX_VALUE);
                case "--threads" -> threads = number(option, queue, 1, 1000);
                case "--rows" -> rows = number(option, queue, 1, 1_000_000);
                case "--transactions" -> transactions = number(option, queue, 1, Integer.MAX_VALUE);
                case "--rollback-percent" -> rollbackPercent = number(option, queue, 0, 100);
                case "--busy" -> busyThreads = number(option, queue, 0, 1000);
                case "--db" -> fileDatabase = fileDatabase(value(option, queue));
                case "--dir" -> dir = Path.of(value(option, queue));
                case "--url-options" -> urlOptions = value(option, queue);
                case "--isolation" -> isolation = isolation(value(option, queue));
                case "--select-for-update" -> selectForUpdate = true;
                case "--help", "-h" -> help = true;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + option + "'; run with --help to see the options");
            }
        }
        return new ReproOptions(
                rounds,
                threads,
                rows,
                transactions,
                rollbackPercent,
                busyThreads,
                fileDatabase,
                dir,
                urlOptions,
                isolation,
                selectForUpdate,
                help);
    }

    /** One line naming every setting, printed at the start and repeated in the summary. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "%s database, %d threads, %d hot rows, %,d transactions per round, %d%% rolled back,"
                        + " %d busy threads, %s%s%s",
                fileDatabase ? "file" : "in-memory",
                threads,
                rows,
                transactions,
                rollbackPercent,
                busyThreads,
                isolation.option(),
                selectForUpdate ? ", SELECT ... FOR UPDATE first" : "",
                urlOptions.isEmpty() ? "" : ", URL options '" + urlOptions + "'");
    }

    private static boolean fileDatabase(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "file" -> true;
            case "mem", "memory" -> false;
            default -> throw new IllegalArgumentException("--db takes mem or file, got '" + value + "'");
        };
    }

    private static Isolation isolation(String value) {
        for (Isolation isolation : Isolation.values()) {
            if (isolation.option().equals(value.toLowerCase(Locale.ROOT))) {
                return isolation;
            }
        }
        throw new IllegalArgumentException(
                "--isolation takes read-committed, repeatable-read or serializable, got '" + value + "'");
    }

    private static String value(String option, Deque<String> queue) {
        String value = queue.poll();
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value; run with --help to see the options");
        }
        return value;
    }

    private static int number(String option, Deque<String> queue, int min, int max) {
        String value = value(option, queue);
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException(
                option + " takes a whole number from " + min + " to " + max + ", got '" + value + "'");
    }
}
