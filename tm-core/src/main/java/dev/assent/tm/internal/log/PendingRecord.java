package dev.assent.tm.internal.log;

import java.nio.ByteBuffer;

/**
 * A record on its way to the disk: encoded by the appending thread, sealed (sequence, CRC) and
 * written by the writer thread.
 *
 * <p>Note on concurrency: {@code ticket} is written by the appending thread before the record is
 * published through {@link AppendQueue}'s tail, and read afterwards; {@code next} is written by
 * the appending thread of the following record and read by the writer thread.
 */
final class PendingRecord {
    final LogRecord record;
    final ByteBuffer frame;
    final boolean needsForce;
    /** Position in the append queue, returned by {@code append()}; 0 for the writer's own copies. */
    long ticket;

    volatile PendingRecord next;

    PendingRecord(LogRecord record, ByteBuffer frame, boolean needsForce) {
        this.record = record;
        this.frame = frame;
        this.needsForce = needsForce;
    }

    static PendingRecord of(LogRecord record) {
        return new PendingRecord(record, RecordCodec.encode(record), RecordCodec.needsForce(record));
    }

    int frameBytes() {
        return frame.limit();
    }
}
