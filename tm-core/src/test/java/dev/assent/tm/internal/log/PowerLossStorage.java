package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A machine that loses power. Bytes written but not forced live only in this storage's "page
 * cache"; a force writes them to the real file. After the {@code powerOffAtWrite}-th write is
 * accepted the power goes: of each file's unforced bytes only a prefix reaches the disk, cut at a
 * random 512-byte sector boundary (sectors are written whole, in order), and every later
 * operation fails as the dead process would never see it succeed. Made with {@link
 * #afterOperationsOn}, the power goes instead right after the n-th operation on one file succeeded
 * (its creation, each write and force of it, and each directory sync once it exists), wherever
 * that operation came from.
 */
final class PowerLossStorage implements LogStorage {
    private static final int SECTOR = 512;

    private final LogStorage disk = LogStorage.fileSystem();
    private final int powerOffAtWrite;
    private final Random random;
    private final List<Channel> channels = new ArrayList<>();
    private final Path watched;
    private final int powerOffAtOperationOnWatched;
    private int writes;
    private int operationsOnWatched;
    private boolean watchedExists;
    private boolean off;

    PowerLossStorage(int powerOffAtWrite, long seed) {
        this(powerOffAtWrite, seed, null, 0);
    }

    private PowerLossStorage(int powerOffAtWrite, long seed, Path watched, int powerOffAtOperationOnWatched) {
        this.powerOffAtWrite = powerOffAtWrite;
        this.random = new Random(seed);
        this.watched = watched;
        this.powerOffAtOperationOnWatched = powerOffAtOperationOnWatched;
    }

    /** The power goes right after the {@code operations}-th operation on {@code file} succeeded. */
    static PowerLossStorage afterOperationsOn(Path file, int operations, long seed) {
        return new PowerLossStorage(0, seed, file, operations);
    }

    private void operated(Path file) throws IOException {
        if (watched != null && watched.equals(file) && ++operationsOnWatched == powerOffAtOperationOnWatched) {
            powerOff();
        }
    }

    synchronized boolean powerIsOff() {
        return off;
    }

    @Override
    public synchronized LogChannel create(Path file) throws IOException {
        checkPower();
        Channel channel = new Channel(disk.create(file), file);
        channels.add(channel);
        if (file.equals(watched)) {
            watchedExists = true;
        }
        operated(file);
        return channel;
    }

    @Override
    public synchronized LogChannel open(Path file) throws IOException {
        checkPower();
        Channel channel = new Channel(disk.open(file), file);
        channels.add(channel);
        return channel;
    }

    @Override
    public synchronized List<Path> list(Path directory) throws IOException {
        checkPower();
        return disk.list(directory);
    }

    @Override
    public synchronized void delete(Path file) throws IOException {
        checkPower();
        disk.delete(file);
        if (file.equals(watched)) {
            watchedExists = false;
        }
    }

    @Override
    public synchronized void syncDirectory(Path directory) throws IOException {
        checkPower();
        if (watchedExists) {
            operated(watched);
        }
    }

    private void checkPower() throws IOException {
        if (off) {
            throw new IOException("the power is off");
        }
    }

    private void powerOff() throws IOException {
        off = true;
        for (Channel channel : channels) {
            channel.tear();
        }
    }

    private record Unforced(long position, byte[] bytes) {}

    private final class Channel implements LogChannel {
        private final LogChannel file;
        private final Path path;
        private final List<Unforced> unforced = new ArrayList<>();
        private boolean closed;

        Channel(LogChannel file, Path path) {
            this.file = file;
            this.path = path;
        }

        @Override
        public void write(ByteBuffer[] sources, long position) throws IOException {
            synchronized (PowerLossStorage.this) {
                checkPower();
                long next = position;
                for (ByteBuffer source : sources) {
                    byte[] bytes = new byte[source.remaining()];
                    source.get(bytes);
                    unforced.add(new Unforced(next, bytes));
                    next += bytes.length;
                }
                if (++writes == powerOffAtWrite) {
                    powerOff(); // the write returned; the force that would follow never happens
                    return;
                }
                operated(path);
            }
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            synchronized (PowerLossStorage.this) {
                checkPower();
                apply(Long.MAX_VALUE);
                return file.read(target, position);
            }
        }

        @Override
        public void force(boolean metadata) throws IOException {
            synchronized (PowerLossStorage.this) {
                checkPower();
                apply(Long.MAX_VALUE);
                operated(path);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (PowerLossStorage.this) {
                checkPower();
                apply(Long.MAX_VALUE);
                file.truncate(size);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (PowerLossStorage.this) {
                checkPower();
                long size = file.size();
                for (Unforced write : unforced) {
                    size = Math.max(size, write.position() + write.bytes().length);
                }
                return size;
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (PowerLossStorage.this) {
                if (!off) {
                    apply(Long.MAX_VALUE); // the OS writes its cache back sooner or later
                }
                closeFile();
            }
        }

        /** Power off: a prefix of the unforced bytes, in whole sectors, reaches the disk. */
        void tear() throws IOException {
            if (closed) {
                return;
            }
            if (!unforced.isEmpty()) {
                long first = unforced.get(0).position();
                long last = unforced.get(unforced.size() - 1).position()
                        + unforced.get(unforced.size() - 1).bytes().length;
                long cut = first + (long) (random.nextDouble() * (last - first + 1));
                apply(cut / SECTOR * SECTOR);
            }
            closeFile();
        }

        /** Writes the unforced bytes that lie before {@code limit} to the real file, forgets the rest. */
        private void apply(long limit) throws IOException {
            for (Unforced write : unforced) {
                long end = Math.min(limit, write.position() + write.bytes().length);
                if (end > write.position()) {
                    file.write(ByteBuffer.wrap(write.bytes(), 0, (int) (end - write.position())), write.position());
                }
            }
            unforced.clear();
        }

        private void closeFile() throws IOException {
            if (!closed) {
                closed = true;
                file.close();
            }
        }
    }
}
