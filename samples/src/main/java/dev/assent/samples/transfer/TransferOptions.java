package dev.assent.samples.transfer;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The transfer sample's command line, parsed and checked once. */
record TransferOptions(int threads, int transfers, int accounts, long initialBalance, Path dataDir, boolean help) {

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: java -jar assent-transfer.jar [options]",
            "",
            "Moves money between accounts held in two databases (bank A and bank B) with",
            "Assent coordinating each transfer as one XA transaction, then checks that no",
            "money appeared or vanished and that no transaction was left prepared.",
            "",
            "Options:",
            "  --threads N        concurrent transfer threads (default 4)",
            "  --transfers N      transfers in total (default 2000)",
            "  --accounts N       accounts per bank (default 50)",
            "  --balance N        opening balance of each account, in cents (default 10000)",
            "  --data-dir DIR     where the databases and the transaction log live",
            "                     (default ./transfer-data)",
            "  --help             this text");

    static TransferOptions parse(String... args) {
        int threads = 4;
        int transfers = 2000;
        int accounts = 50;
        long balance = 10_000;
        Path dataDir = Path.of("transfer-data");
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
                case "--help", "-h" -> help = true;
                default ->
                    throw new IllegalArgumentException(
                            "unknown option '" + option + "'; run with --help to see the options");
            }
        }
        if (accounts < 2) {
            throw new IllegalArgumentException("--accounts must be at least 2, got " + accounts);
        }
        return new TransferOptions(threads, transfers, accounts, balance, dataDir, help);
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
