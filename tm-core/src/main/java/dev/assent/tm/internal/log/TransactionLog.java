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
     * Whether this log still holds the commit decisions of earlier runs of the node. Only then may
     * recovery presume abort for an earlier run's prepared branch that no decision names; a log
     * that forgets everything at exit (in memory) cannot tell such a branch from a committed one.
     */
    default boolean remembersEarlierRuns() {
        return true;
    }

    /** Which run of this node is writing the log; part of every Xid made in the run. */
    long incarnation();

    /** Flushes what is pending and releases the log. */
    @Override
    void close();
}
