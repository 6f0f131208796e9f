package dev.assent.tm.internal.log;

import dev.assent.tm.spi.TransactionListener;
import java.util.Objects;

/**
 * How a {@link FileTransactionLog} is set up; immutable, checked on construction.
 *
 * @param segmentBytes the size each segment file is preallocated to (a record larger than a
 *     segment gets a segment of its own size)
 * @param storage where the files live; tests pass a wrapper that injects faults
 * @param listener told about every force ({@link TransactionListener#logForced})
 */
public record FileLogOptions(long segmentBytes, LogStorage storage, TransactionListener listener) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final long MIN_SEGMENT_BYTES = 4096;
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    private static final TransactionListener NO_LISTENER = new TransactionListener() {};

    public FileLogOptions {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(listener, "listener");
    }

    /** 64 MiB segments on the file system, no listener. */
    public static FileLogOptions defaults() {
        return new FileLogOptions(DEFAULT_SEGMENT_BYTES, LogStorage.fileSystem(), NO_LISTENER);
    }

    public FileLogOptions withSegmentBytes(long bytes) {
        return new FileLogOptions(bytes, storage, listener);
    }

    public FileLogOptions withStorage(LogStorage logStorage) {
        return new FileLogOptions(segmentBytes, logStorage, listener);
    }

    public FileLogOptions withListener(TransactionListener transactionListener) {
        return new FileLogOptions(segmentBytes, storage, transactionListener);
    }
}
