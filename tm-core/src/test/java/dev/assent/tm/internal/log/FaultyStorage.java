package dev.assent.tm.internal.log;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file system seen through a seam that counts writes and forces, can make forces slow
 * (a disk) or skip the real fsync (fast tests that do not crash the OS), and fails writes or
 * forces from a given count on (a full disk, a dying one). It remembers which thread created each
 * file, and can hold every creation until a test lets it go (a slow disk, a full directory).
 */
final class FaultyStorage implements LogStorage {
    private final LogStorage disk = LogStorage.fileSystem();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger forces = new AtomicInteger();
    final AtomicInteger dataForces = new AtomicInteger();
    final AtomicInteger creates = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final List<String> creatingThreads = new CopyOnWriteArrayList<>();
    /** When set, every create waits until it is counted down. */
    volatile CountDownLatch createGate;

    volatile boolean realForce;
    volatile long forceDelayMicros;
    volatile int failWritesFrom = Integer.MAX_VALUE;
    volatile int failForcesFrom = Integer.MAX_VALUE;
    /** Bytes a failing write still hands over before it throws. */
    volatile int bytesBeforeFailure;

    @Override
    public LogChannel create(Path file) throws IOException {
        creatingThreads.add(Thread.currentThread().getName());
        creates.incrementAndGet();
        CountDownLatch gate = createGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the test held the creation of " + file);
            }
        }
        return new Channel(disk.create(file));
    }

    @Override
    public LogChannel open(Path file) throws IOException {
        return new Channel(disk.open(file));
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
        return disk.list(directory);
    }

    @Override
    public void delete(Path file) throws IOException {
        deletes.incrementAndGet();
        disk.delete(file);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        if (realForce) {
            disk.syncDirectory(directory);
        }
    }

    private final class Channel implements LogChannel {
        private final LogChannel file;

        Channel(LogChannel file) {
            this.file = file;
        }

        @Override
        public void write(ByteBuffer[] sources, long position) throws IOException {
            if (writes.incrementAndGet() >= failWritesFrom) {
                ByteBuffer handedOver = consume(sources, bytesBeforeFailure);
                file.write(handedOver, position); // what the OS took before the disk filled up
                throw new IOException("No space left on device");
            }
            file.write(sources, position);
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return file.read(target, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            int count = forces.incrementAndGet();
            if (!metadata) {
                dataForces.incrementAndGet();
            }
            if (count >= failForcesFrom) {
                throw new IOException("Input/output error");
            }
            if (forceDelayMicros > 0) {
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(forceDelayMicros);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            if (realForce) {
                file.force(metadata);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Takes up to {@code bytes} from the buffers, as a write that stopped part-way would. */
    private static ByteBuffer consume(ByteBuffer[] sources, int bytes) {
        ByteBuffer taken = ByteBuffer.allocate(bytes);
        for (ByteBuffer source : sources) {
            while (taken.hasRemaining() && source.hasRemaining()) {
                taken.put(source.get());
            }
        }
        return taken.flip();
    }
}
