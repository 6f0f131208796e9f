package dev.assent.tm.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transaction log's only way to touch a file: a seam over {@link java.nio.channels.FileChannel}
 * through which tests tear writes, fail them, or lose what was not forced (CONTRIBUTING.md rule 11).
 *
 * <p>Used by one thread at a time: the writer thread while the log runs, the opening thread before.
 */
public interface LogChannel extends Closeable {

    /**
     * Writes every remaining byte of {@code sources}, in order, starting at {@code position}.
     *
     * @throws IOException when not every byte could be handed to the operating system; the
     *     buffers' positions then tell how far the write got
     */
    void write(ByteBuffer[] sources, long position) throws IOException;

    /** Writes every remaining byte of {@code source} at {@code position}. */
    default void write(ByteBuffer source, long position) throws IOException {
        write(new ByteBuffer[] {source}, position);
    }

    /**
     * Reads into {@code target} from {@code position}.
     *
     * @return the number of bytes read, or -1 at the end of the file
     */
    int read(ByteBuffer target, long position) throws IOException;

    /**
     * Makes everything written so far durable.
     *
     * @param metadata also the file's size and other metadata; needed after the size changed
     */
    void force(boolean metadata) throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    long size() throws IOException;
}
