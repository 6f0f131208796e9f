package dev.assent.samples.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run at a time on a data directory: an exclusive lock on {@code transfer.lock}, held until
 * the embedded servers are stopped. The operating system releases it when the run dies, even by
 * kill -9, so a server found running on the directory while this lock is held was left by a run
 * that is over, and may be stopped. (The servers never hold it: a child process gets no open file
 * of the JVM.)
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "transfer.lock";

    private final FileChannel channel;

    private DataDirLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the lock of {@code dataDir}.
     *
     * @throws RunRefused when another run holds it, naming that run's pid
     */
    static DataDirLock acquire(Path dataDir) throws IOException, RunRefused {
        Files.createDirectories(dataDir);
        Path file = dataDir.toAbsolutePath().resolve(FILE_NAME);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another run in this JVM
            }
            if (lock == null) {
                String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                throw new RunRefused("another run of the sample (" + (owner.isEmpty() ? "pid unknown" : owner)
                        + ") is using " + dataDir.toAbsolutePath()
                        + "; wait for it to end, or give this run a --data-dir of its own");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirLock(channel);
        } catch (IOException | RunRefused | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Releases the lock (closing the channel does). */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
