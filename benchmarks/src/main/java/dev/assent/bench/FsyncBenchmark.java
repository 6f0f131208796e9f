package dev.assent.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The physical limit: how many {@code write + FileChannel.force(false)} pairs one writer completes
 * per second on the disk the transaction logs use. A log without group commit cannot force more
 * often than this; one with group commit can commit more transactions than this only by sharing
 * each force among several.
 *
 * <p>{@code preallocated}: the file is written full of zeros and forced before measuring, so a
 * force only has data blocks to flush. {@code appended}: every write grows the file, so a force
 * also flushes the new size (file metadata).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Threads(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@State(Scope.Thread)
public class FsyncBenchmark {
    /** About the size of one commit-decision record with two branches. */
    static final int RECORD_BYTES = 256;

    static final long PREALLOCATED_BYTES = 64L * 1024 * 1024;

    @Param({"preallocated", "appended"})
    public String file;

    private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
    Path directory;
    private FileChannel channel;
    private long position;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        if (!"preallocated".equals(file) && !"appended".equals(file)) {
            throw new IllegalArgumentException("file must be preallocated or appended, not " + file);
        }
        directory = BenchDirectories.create("fsync-" + file);
        channel = FileChannel.open(
                directory.resolve("fsync.dat"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        position = 0;
        if ("preallocated".equals(file)) {
            preallocate(channel);
        }
        for (int i = 0; i < RECORD_BYTES; i++) {
            record.put(i, (byte) i);
        }
    }

    private static void preallocate(FileChannel channel) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1024 * 1024);
        for (long written = 0; written < PREALLOCATED_BYTES; ) {
            zeros.clear();
            written += channel.write(zeros, written);
        }
        channel.force(true);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            BenchDirectories.delete(directory);
        }
    }

    /** Writes one record after the previous one and forces it; wraps in the preallocated file. */
    @Benchmark
    public void writeAndForce() throws IOException {
        record.clear();
        while (record.hasRemaining()) {
            position += channel.write(record, position);
        }
        channel.force(false);
        if (position + RECORD_BYTES > PREALLOCATED_BYTES && "preallocated".equals(file)) {
            position = 0;
        }
    }
}
