package dev.assent.samples.transfer;

import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the transfers: each thread moves money from an account in one bank to an account in the
 * other, one XA transaction per transfer, with connections from the banks' pools (which enlist
 * them by themselves). A transfer whose source lacks the funds is rolled back on both sides.
 */
final class TransferWorkload {
    /** One in this many transfers asks for more than any account can hold, to show rollbacks. */
    private static final int OVERDRAFT_EVERY = 20;

    private final TransactionManager tm;
    private final Bank bankA;
    private final Bank bankB;
    private final TransferOptions options;
    private final int accountsA;
    private final int accountsB;
    private final long overdraft;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger insufficientFunds = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /**
     * {@code accountsA}, {@code accountsB}: what each bank holds, which on a bank made by an
     * earlier run may differ from {@code --accounts}; {@code totalMoney}: both banks' balances
     * together, which no single account can exceed, so a transfer of more is always overdrawn.
     */
    TransferWorkload(
            TransactionManager tm,
            Bank bankA,
            Bank bankB,
            TransferOptions options,
            int accountsA,
            int accountsB,
            long totalMoney) {
        this.tm = tm;
        this.bankA = bankA;
        this.bankB = bankB;
        this.options = options;
        this.accountsA = accountsA;
        this.accountsB = accountsB;
        this.overdraft = totalMoney + 1;
    }

    int finished() {
        return committed.get() + insufficientFunds.get() + failed.get();
    }

    int committed() {
        return committed.get();
    }

    int insufficientFunds() {
        return insufficientFunds.get();
    }

    int failed() {
        return failed.get();
    }

    /** Runs every transfer and returns the latencies in nanoseconds, sorted. */
    long[] run() throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < options.threads(); i++) {
            workers.add(new Worker(new SplittableRandom(42L + i)));
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker worker : workers) {
            Thread thread = new Thread(worker, "transfer-" + threads.size());
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long[] all = workers.stream()
                .flatMapToLong(w -> Arrays.stream(w.latencies, 0, w.count))
                .toArray();
        Arrays.sort(all);
        for (Worker worker : workers) {
            if (worker.error != null) {
                throw new IllegalStateException("a transfer thread failed: " + worker.error, worker.error);
            }
        }
        return all;
    }

    private final class Worker implements Runnable {
        private final SplittableRandom random;
        private final long[] latencies = new long[options.transfers()];
        private int count;
        private Exception error;

        Worker(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public void run() {
            try {
                while (started.getAndIncrement() < options.transfers()) {
                    long begin = System.nanoTime();
                    transferOnce();
                    latencies[count++] = System.nanoTime() - begin;
                }
            } catch (Exception e) {
                error = e;
            }
        }

        private void transferOnce() throws Exception {
            boolean fromA = random.nextBoolean();
            int fromAccount = random.nextInt(fromA ? accountsA : accountsB);
            int toAccount = random.nextInt(fromA ? accountsB : accountsA);
            long amount = random.nextInt(OVERDRAFT_EVERY) == 0
                    ? overdraft
                    : 1 + random.nextLong(Math.max(1, options.initialBalance() / 10));
            Bank from = fromA ? bankA : bankB;
            Bank to = fromA ? bankB : bankA;
            tm.begin();
            // The pools enlist each connection as a branch of the transaction on getConnection();
            // closing the handles ends nothing: the connections go back when the transaction ends.
            boolean debited;
            try (Connection debitSide = from.connection();
                    Connection creditSide = to.connection()) {
                // Bank A's row is always locked before bank B's. Otherwise a transfer A->B and one
                // B->A can each hold one row and wait for the other's: a deadlock across two
                // databases that neither can see, ended only by a lock timeout. When the credit
                // comes first and the debit then finds no funds, the rollback undoes the credit.
                if (fromA) {
                    debited = debit(debitSide, fromAccount, amount);
                    if (debited) {
                        credit(creditSide, toAccount, amount);
                    }
                } else {
                    credit(creditSide, toAccount, amount);
                    debited = debit(debitSide, fromAccount, amount);
                }
            } catch (SQLException | RuntimeException e) {
                tm.rollback();
                failed.incrementAndGet();
                return;
            }
            if (!debited) {
                tm.rollback();
                insufficientFunds.incrementAndGet();
                return;
            }
            try {
                tm.commit();
                committed.incrementAndGet();
            } catch (RollbackException e) {
                failed.incrementAndGet();
            }
        }
    }

    private static boolean debit(Connection connection, int account, long amount) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE account SET balance = balance - ? WHERE id = ? AND balance >= ?")) {
            update.setLong(1, amount);
            update.setInt(2, account);
            update.setLong(3, amount);
            return update.executeUpdate() == 1;
        }
    }

    private static void credit(Connection connection, int account, long amount) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
            update.setLong(1, amount);
            update.setInt(2, account);
            if (update.executeUpdate() != 1) {
                throw new SQLException("no account " + account + " to credit");
            }
        }
    }
}
