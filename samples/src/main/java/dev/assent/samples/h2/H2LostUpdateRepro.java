package dev.assent.samples.h2;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reproduces H2's lost updates with plain JDBC: no XA, no transaction manager, nothing of Assent.
 * Worker threads run short transactions on a few hot rows, each inserting a ledger row and adding
 * its amount to the account's balance, and roll some of them back; busy threads beside them
 * create CPU contention. H2 2.3 and 2.5 sometimes end such a round with a balance that disagrees
 * with the ledger rows that committed with it, which no transaction could have written: the
 * database lost or invented an update. The transfer sample does not run on H2 by default for this
 * reason. The options also try settings that might make H2 safe (isolation level, row locks taken
 * first, URL settings), under the same stress.
 */
public final class H2LostUpdateRepro {
    /** Exit status when at least one round drifted. */
    static final int DRIFT_STATUS = 1;

    /** Exit status when the stress could not run at all. */
    static final int FAILED_STATUS = 3;

    private H2LostUpdateRepro() {}

    public static void main(String[] args) throws Exception {
        ReproOptions options;
        try {
            options = ReproOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(ReproOptions.USAGE);
            return;
        }
        int drifted;
        try {
            drifted = run(options, System.out);
        } catch (SQLException | IOException | RuntimeException e) {
            // Not a finding about H2's updates: the stress could not run (a setting H2 refuses,
            // a directory it cannot write), so the status must not say "drift".
            System.err.println("error: the stress could not run: " + e);
            e.printStackTrace(System.err);
            System.exit(FAILED_STATUS);
            return;
        }
        System.exit(drifted == 0 ? 0 : DRIFT_STATUS);
    }

    /** Runs every round and prints one line per round and a summary; returns the rounds that drifted. */
    static int run(ReproOptions options, PrintStream out) throws Exception {
        Path dir = null;
        boolean temporary = false;
        if (options.fileDatabase()) {
            temporary = options.dir() == null;
            dir = temporary ? Files.createTempDirectory("h2-lost-update") : options.dir();
            Files.createDirectories(dir);
        }
        out.printf(Locale.ROOT, "H2 %s: %s%n", h2Version(), options.describe());
        BusyThreads busy = BusyThreads.start(options.busyThreads());
        int drifted = 0;
        int failed = 0;
        try {
            for (int round = 1; round <= options.rounds(); round++) {
                String url = url(options, dir, round);
                StressRound.Result result = StressRound.run(url, options, round);
                out.printf(Locale.ROOT, "round %3d: %s%n", round, result);
                if (result.drifted()) {
                    drifted++;
                }
                failed += result.failed();
                if (dir != null) {
                    deleteFiles(dir, "round-" + round + ".");
                }
            }
        } finally {
            busy.stop();
            if (temporary) {
                Files.deleteIfExists(dir);
            }
        }
        out.printf(
                Locale.ROOT,
                "%s: %d of %d rounds drifted (%s)%s%n",
                drifted == 0 ? "CONSISTENT" : "DRIFT",
                drifted,
                options.rounds(),
                options.describe(),
                failed == 0 ? "" : String.format(Locale.ROOT, "; %,d transactions failed with an error", failed));
        return drifted;
    }

    private static String url(ReproOptions options, Path dir, int round) {
        String name = "round-" + round;
        String base = dir == null
                ? "jdbc:h2:mem:h2-lost-update-" + name
                : "jdbc:h2:" + dir.toAbsolutePath().resolve(name);
        return base + options.urlOptions();
    }

    private static String h2Version() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:")) {
            return connection.getMetaData().getDatabaseProductVersion();
        }
    }

    private static void deleteFiles(Path dir, String prefix) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Compares each account's balance with the sum of its ledger rows; the differences, one per
     * account (all zero when the database kept every update it acknowledged).
     */
    static long[] drift(Connection connection) throws SQLException {
        List<Long> drift = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT a.balance - COALESCE((SELECT SUM(l.amount)"
                        + " FROM ledger l WHERE l.account = a.id), 0) FROM account a ORDER BY a.id")) {
            while (rows.next()) {
                drift.add(rows.getLong(1));
            }
        }
        return drift.stream().mapToLong(Long::longValue).toArray();
    }

    /** Threads that only burn CPU, so that the workers are descheduled at unlucky moments. */
    private static final class BusyThreads {
        // Written by stop() on the main thread, read by the busy threads.
        private volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();

        static BusyThreads start(int count) {
            BusyThreads busy = new BusyThreads();
            for (int i = 0; i < count; i++) {
                Thread thread = new Thread(busy::spin, "busy-" + i);
                thread.setDaemon(true);
                busy.threads.add(thread);
                thread.start();
            }
            return busy;
        }

        private void spin() {
            long x = 1;
            while (running) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            if (x == 42) {
                // Keeps the loop's work observable, so that it is not optimised away.
                System.out.print("");
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
