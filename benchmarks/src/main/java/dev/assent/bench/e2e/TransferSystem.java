package dev.assent.bench.e2e;

import java.io.IOException;
import java.sql.SQLException;

/** A transaction manager with its pools over both bank databases (or the raw XA baseline). */
public interface TransferSystem extends AutoCloseable {
    /** Debits {@code from} in database A and credits {@code to} in database B, as one XA transaction. */
    String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ?";

    String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ?";

    /** What one thread uses for its transfers; not shared between threads. */
    Worker worker() throws Exception;

    @Override
    void close() throws IOException;

    /** Something a system closes when it stops (a pool, the manager). */
    @FunctionalInterface
    interface Part {
        void close() throws IOException;
    }

    /** One thread's handle. */
    interface Worker extends AutoCloseable {
        /**
         * Moves {@code amount} from account {@code from} of database A to account {@code to} of
         * database B in one transaction, committed two-phase; on failure it is rolled back.
         */
        void transfer(int from, int to, long amount) throws Exception;

        @Override
        default void close() throws SQLException {}
    }
}
