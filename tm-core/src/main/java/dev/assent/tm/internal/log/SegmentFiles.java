package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names, creates and deletes the segment files {@code assent-NNNNNNNN.log} of one log directory. */
final class SegmentFiles {
    private static final Pattern NAME = Pattern.compile("assent-(\\d{8,18})\\.log");
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private final Path directory;
    private final LogStorage storage;

    SegmentFiles(Path directory, LogStorage storage) {
        this.directory = directory;
        this.storage = storage;
    }

    Path directory() {
        return directory;
    }

    LogStorage storage() {
        return storage;
    }

    Path path(long number) {
        return directory.resolve(String.format(Locale.ROOT, "assent-%08d.log", number));
    }

    /** The segment files in the directory, by number. */
    SortedMap<Long, Path> list() throws IOException {
        SortedMap<Long, Path> segments = new TreeMap<>();
        for (Path file : storage.list(directory)) {
            Path name = file.getFileName();
            Matcher matcher = NAME.matcher(name == null ? "" : name.toString());
            if (matcher.matches()) {
                segments.put(Long.parseLong(matcher.group(1)), file);
            }
        }
        return segments;
    }

    /**
     * Creates a segment and fills it with zeros up to {@code capacity}, so that forcing a later
     * write never has to change the file's size (a data-only force suffices); the header, the
     * zeros and the directory entry are durable when this returns.
     */
    LogChannel create(SegmentHeader header, long capacity) throws IOException {
        return createZeroFilled(header.segmentNumber(), header, capacity);
    }

    /**
     * Creates segment {@code number} with a blank header, filled with zeros up to {@code capacity}
     * (see {@link #create}), ahead of the moment it is needed; durable when this returns. Start-up
     * reads such a file as a segment holding no record and removes it, until {@link #activate}
     * gives it its header.
     */
    LogChannel prepare(long number, long capacity) throws IOException {
        return createZeroFilled(number, null, capacity);
    }

    /**
     * The one way a segment file comes to be: {@code header} (or zeros for a blank one when null),
     * zeros up to {@code capacity}, a force, the directory entry synced; on failure the file is
     * closed and deleted again.
     */
    private LogChannel createZeroFilled(long number, SegmentHeader header, long capacity) throws IOException {
        Path path = path(number);
        LogChannel channel = storage.create(path);
        try {
            if (header != null) {
                channel.write(header.encode(), 0);
                writeZeros(channel, SegmentHeader.BYTES, capacity);
            } else {
                writeZeros(channel, 0, capacity);
            }
            channel.force(true);
            storage.syncDirectory(directory);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            try {
                storage.delete(path);
            } catch (IOException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
    }

    /**
     * Writes the header into a segment {@link #prepare} made and forces it, so that the segment is
     * what {@link #create} would have made. The force comes before any record: records reaching the
     * disk behind a header that did not would read as corruption, not as an empty segment. The
     * channel is closed when this fails.
     */
    LogChannel activate(LogChannel prepared, SegmentHeader header) throws IOException {
        try {
            prepared.write(header.encode(), 0);
            prepared.force(false); // the file's size does not change: its data is all there is to force
            return prepared;
        } catch (IOException | RuntimeException e) {
            closeQuietly(prepared, e);
            throw e;
        }
    }

    private static void writeZeros(LogChannel channel, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.max(1, Math.min(ZERO_CHUNK_BYTES, to - from)));
        long offset = from;
        while (offset < to) {
            int chunk = (int) Math.min(zeros.capacity(), to - offset);
            zeros.clear().limit(chunk);
            channel.write(zeros, offset);
            offset += chunk;
        }
    }

    /**
     * Deletes a segment durably, one at a time: after a crash, an older segment must never
     * reappear once a newer one is gone, or the log would have a hole.
     */
    void delete(Path segment) throws IOException {
        storage.delete(segment);
        storage.syncDirectory(directory);
    }

    static void closeQuietly(LogChannel channel, Throwable primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
