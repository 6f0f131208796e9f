package dev.assent.samples.h2;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One round of {@link H2LostUpdateRepro} on a fresh database: the workers' transactions, then the
 * check of every balance against its ledger rows.
 */
final class StressRound {
    private final String url;
    private final ReproOptions options;
    private final AtomicInteger tickets = new AtomicInteger();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger rolledBack = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger unknown = new AtomicInteger();

    private StressRound(String url, ReproOptions options) {
        this.url = url;
        this.options = options;
    }

    /** What a round saw; {@link #drifted()} when a balance disagrees with its ledger. */
    record Result(int committed, int rolledBack, int failed, int unknown, long ledgerRows, long[] drift, long millis) {

        long totalDrift() {
            return Arrays.stream(drift).sum();
        }

        /**
         * A balance differs from its ledger, or the ledger holds rows of transactions that did not
         * commit (or lacks rows of some that did).
         */
        boolean drifted() {
            return Arrays.stream(drift).anyMatch(d -> d != 0)
                    || ledgerRows < committed
                    || ledgerRows > committed + unknown;
        }

        @Override
        public String toString() {
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%5.1f s, %,6d committed, %,6d rolled back, %,d failed, ledger rows %,d",
                    millis / 1000.0,
                    committed,
                    rolledBack,
                    failed,
                    ledgerRows));
            if (unknown > 0) {
                line.append(String.format(Locale.ROOT, ", %,d commits ended in an error", unknown));
            }
            if (drifted()) {
                line.append(String.format(
                        Locale.ROOT,
                        "  DRIFT %+,d (balance minus ledger, per row %s)",
                        totalDrift(),
                        Arrays.toString(drift)));
            } else {
                line.append("  OK");
            }
            return line.toString();
        }
    }

    static Result run(String url, ReproOptions options, int round) throws Exception {
        return new StressRound(url, options).run(round);
    }

    private Result run(int round) throws Exception {
        long start = System.nanoTime();
        // This connection keeps the database open for the whole round and checks it at the end.
        try (Connection control = DriverManager.getConnection(url)) {
            createTables(control);
            List<Worker> workers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < options.threads(); i++) {
                Worker worker = new Worker(new SplittableRandom(round * 1_000L + i));
                workers.add(worker);
                Thread thread = new Thread(worker, "worker-" + i);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            for (Worker worker : workers) {
                if (worker.error != null) {
                    throw new IllegalStateException(
                            "a worker could not connect or set up: " + worker.error, worker.error);
                }
            }
            long ledgerRows;
            try (Statement statement = control.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM ledger")) {
                rows.next();
                ledgerRows = rows.getLong(1);
            }
            long[] drift = H2LostUpdateRepro.drift(control);
            try (Statement statement = control.createStatement()) {
                statement.execute("SHUTDOWN");
            }
            return new Result(
                    committed.get(),
                    rolledBack.get(),
                    failed.get(),
                    unknown.get(),
                    ledgerRows,
                    drift,
                    (System.nanoTime() - start) / 1_000_000L);
        }
    }

    private void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            statement.execute("CREATE TABLE ledger (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " account INT NOT NULL, amount BIGINT NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account VALUES (?, 0)")) {
            for (int id = 0; id < options.rows(); id++) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private final class Worker implements Runnable {
        private final SplittableRandom random;
        private Exception error;

        Worker(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public void run() {
            try (Connection connection = DriverManager.getConnection(url);
                    PreparedStatement ledger =
                            connection.prepareStatement("INSERT INTO ledger (account, amount) VALUES (?, ?)");
                    PreparedStatement lock =
                            connection.prepareStatement("SELECT balance FROM account WHERE id = ? FOR UPDATE");
                    PreparedStatement update =
                            connection.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(options.isolation().level());
                while (tickets.getAndIncrement() < options.transactions()) {
                    transactOnce(connection, ledger, lock, update);
                }
            } catch (SQLException e) {
                error = e;
            }
        }

        private void transactOnce(
                Connection connection, PreparedStatement ledger, PreparedStatement lock, PreparedStatement update)
                throws SQLException {
            int account = random.nextInt(options.rows());
            long amount = 1 + random.nextInt(1000);
            boolean rollBack = random.nextInt(100) < options.rollbackPercent();
            try {
                ledger.setInt(1, account);
                ledger.setLong(2, amount);
                ledger.executeUpdate();
                if (options.selectForUpdate()) {
                    lock.setInt(1, account);
                    try (ResultSet rows = lock.executeQuery()) {
                        rows.next();
                    }
                }
                update.setLong(1, amount);
                update.setInt(2, account);
                if (update.executeUpdate() != 1) {
                    throw new SQLException("no account " + account);
                }
            } catch (SQLException e) {
                // A lock timeout, or a concurrent update refused at a stricter isolation level:
                // nothing was committed, and the ledger shows it.
                connection.rollback();
                failed.incrementAndGet();
                return;
            }
            if (rollBack) {
                connection.rollback();
                rolledBack.incrementAndGet();
                return;
            }
            try {
                connection.commit();
                committed.incrementAndGet();
            } catch (SQLException e) {
                // The outcome is unknown; the check allows for either.
                unknown.incrementAndGet();
                connection.rollback();
            }
        }
    }
}
