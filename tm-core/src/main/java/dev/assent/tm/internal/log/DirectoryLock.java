package dev.assent.tm.internal.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;

/**
 * Keeps a second transaction manager (another process, or another instance in this JVM) off a log
 * directory: an exclusive lock on {@code assent.lock}, which names its owner for the error message.
 * The operating system releases the lock when the owning process dies, so a crash never leaves a
 * stale lock behind. Not a fault seam: the lock is taken directly on the file system.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "assent.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code directory}.
     *
     * @throws IllegalStateException when another owner holds it, naming that owner's pid and host
     * @throws UncheckedIOException when the lock file cannot be opened
     */
    static DirectoryLock acquire(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, options, FileLogStorage.ownerReadWrite(file));
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String owner = readOwner(channel);
                throw new IllegalStateException("the transaction log in " + directory + " is in use by " + owner
                        + "; two transaction managers must never share a log directory. Stop the other one, or give"
                        + " this one its own log directory (and its own node id)");
            }
            DirectoryLock acquired = new DirectoryLock(file, channel, lock);
            acquired.recordOwner();
            return acquired;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the transaction log directory " + directory, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held through another channel of this JVM
        }
    }

    private void recordOwner() throws IOException {
        String owner = "pid " + ProcessHandle.current().pid() + " on host " + hostName() + " since " + Instant.now()
                + System.lineSeparator();
        channel.truncate(0);
        ByteBuffer bytes = ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes, bytes.position());
        }
        // Not forced: the line only names the owner in error messages; the OS lock is what protects.
    }

    private static String readOwner(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(512);
        int read = 0;
        while (bytes.hasRemaining() && read >= 0) {
            read = channel.read(bytes, bytes.position());
        }
        String owner = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).trim();
        // Empty while the owner is between taking the lock and writing its name.
        return owner.isEmpty() ? "another owner (not yet named in " + FILE_NAME + ")" : owner;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    Path file() {
        return file;
    }

    /** Releases the lock; the file stays, so that a waiting opener never locks a deleted inode. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to release: the process no longer uses this file.
        }
    }
}
