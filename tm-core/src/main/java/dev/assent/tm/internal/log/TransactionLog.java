package dev.assent.tm.internal.log;

import java.util.function.Consumer;

/**
 * Where the coordinator writes what recovery needs. Committers append and then wait for their
 * position to become durable, so that an implementation can share one force among many
 * committers (group commit). Presumed abort: only commit decisions are ever awaited; completion
 * and heuristic records are appended without waiting.
 */
public interface TransactionLog extends AutoCloseable {

    /**
     * Appends a record and returns its position; does not wait for the disk.
     *
     * @throws LogException when the record cannot be accepted (log closed, disk full...)
     */
    long append(LogRecord record) throws LogException;

    /**
     * Returns once every record up to {@code position} is durable.
     *
     * @throws LogException when it cannot be made durable; see {@link LogException#mayBeDurable()}
     * @throws InterruptedException when the waiting thread is interrupted (the record may still
     *     become durable)
     */
    void awaitDurable(long position) throws LogException, InterruptedException;

    /** The commit point: append and wait until durable. */
    default void appendDurably(LogRecord record) throws LogException, InterruptedException {
        awaitDurable(append(record));
    }

    /** The records that still matter after a restart, in log order (for recovery). */
    void replay(Consumer<LogRecord> visitor);

    /**
     * Whether {@code run} is an earlier run of this node whose commit decisions this log recorded
     * (and keeps while they matter). Only for such a run may recovery presume abort for a prepared
     * branch that no decision names; a branch of any other run (one from before this log was
     * created, its directory lost or replaced since, or a log kept in memory) may belong to a
     * committed transaction as well as to an aborted one.
     */
    boolean recordedEarlierRun(long run);

    /** Which run of this node is writing the log; part of every Xid made in the run. */
    long incarnation();

    /** Flushes what is pending and releases the log. */
    @Override
    void close();
}
