package dev.assent.tm;

import dev.assent.tm.internal.log.LogChannel;
import dev.assent.tm.internal.log.LogStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** The real file system, whose forces fail once {@code failForces} is set (a dying disk). */
final class FailingForces implements LogStorage {
    private final LogStorage disk = LogStorage.fileSystem();
    volatile boolean failForces;

    @Override
    public LogChannel create(Path file) throws IOException {
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
        disk.delete(file);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        disk.syncDirectory(directory);
    }

    private final class Channel implements LogChannel {
        private final LogChannel file;

        Channel(LogChannel file) {
            this.file = file;
        }

        @Override
        public void write(ByteBuffer[] sources, long position) throws IOException {
            file.write(sources, position);
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return file.read(target, position);
        }

        @Override
        public void force(boolean metadata) throws IOException {
            if (failForces) {
                throw new IOException("injected: the disk failed to force");
            }
            file.force(metadata);
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
}
