package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link LogChannel} on a real file. */
final class FileLogChannel implements LogChannel {
    private final FileChannel channel;

    FileLogChannel(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(ByteBuffer[] sources, long position) throws IOException {
        // FileChannel has no positional gather write; only the owning thread uses this channel,
        // so moving the channel's own position first is safe.
        channel.position(position);
        int first = 0;
        while (first < sources.length) {
            if (!sources[first].hasRemaining()) {
                first++;
            } else {
                channel.write(sources, first, sources.length - first);
            }
        }
    }

    @Override
    public void write(ByteBuffer source, long position) throws IOException {
        long next = position;
        while (source.hasRemaining()) {
            next += channel.write(source, next);
        }
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return channel.read(target, position);
    }

    @Override
    public void force(boolean metadata) throws IOException {
        channel.force(metadata);
    }

    @Override
    public void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
