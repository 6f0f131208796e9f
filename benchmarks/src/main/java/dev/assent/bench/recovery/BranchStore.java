package dev.assent.bench.recovery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import javax.transaction.xa.Xid;

/**
 * The durable side of one benchmark resource manager (a "database" that keeps nothing but branch
 * outcomes): an append-only file of records, each saying that a branch was prepared, committed or
 * rolled back. Opening the file replays it, so a process that crashed with branches prepared leaves
 * them for the next one to find, as a database lists them in {@code XA RECOVER}.
 *
 * <p>A PREPARED record is always forced before {@link #prepare} returns: a branch that voted yes
 * must survive a crash. Whether COMMITTED and ROLLED_BACK records are forced too is the store's
 * {@link ResourceCommit} mode.
 *
 * <p>Record layout (big-endian): length of what follows up to the checksum (int), type (byte),
 * format id (int), global transaction id length (byte) and bytes, branch qualifier length (byte)
 * and bytes, CRC32 of type to qualifier (int). A record cut short or failing its checksum at the
 * end of the file is a write the crash interrupted; it is cut off.
 *
 * <p>Note on concurrency: every method is synchronized; the file has one writer at a time.
 */
public final class BranchStore implements AutoCloseable {
    static final byte PREPARED = 1;
    static final byte COMMITTED = 2;
    static final byte ROLLED_BACK = 3;

    /** Type, format id, two length bytes, at most 64 + 64 id bytes. */
    private static final int MAX_BODY = 1 + 4 + 1 + Xid.MAXGTRIDSIZE + 1 + Xid.MAXBQUALSIZE;

    private final Path file;
    private final ResourceCommit commitMode;
    private final FileChannel channel;
    private final Set<StoredXid> prepared = new LinkedHashSet<>();
    private final ByteBuffer record = ByteBuffer.allocate(4 + MAX_BODY + 4);
    private final CRC32 crc = new CRC32();
    private long committed;
    private long rolledBack;
    private long forces;

    private BranchStore(Path file, ResourceCommit commitMode, FileChannel channel) {
        this.file = file;
        this.commitMode = commitMode;
        this.channel = channel;
    }

    /**
     * Opens (creating if needed) the store in {@code file} and replays it.
     *
     * @throws IOException if the file cannot be read or holds a damaged record before its end
     */
    public static BranchStore open(Path file, ResourceCommit commitMode) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BranchStore store = new BranchStore(file, commitMode, channel);
        try {
            store.replay();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return store;
    }

    private synchronized void replay() throws IOException {
        ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(channel.size()));
        while (content.hasRemaining()) {
            if (channel.read(content, content.position()) < 0) {
                break;
            }
        }
        content.flip();
        long valid = 0;
        while (content.remaining() >= 4) {
            int start = content.position();
            int length = content.getInt();
            if (length < 7 || length > MAX_BODY || content.remaining() < length + 4) {
                break; // a torn tail: the crash cut this record short
            }
            crc.reset();
            crc.update(content.array(), start + 4, length);
            byte type = content.get();
            StoredXid xid = StoredXid.read(content);
            if (content.position() != start + 4 + length || content.getInt() != (int) crc.getValue()) {
                break;
            }
            apply(type, xid);
            valid = content.position();
        }
        if (valid < channel.size()) {
            channel.truncate(valid);
        }
        channel.position(valid);
    }

    private void apply(byte type, StoredXid xid) throws IOException {
        switch (type) {
            case PREPARED -> prepared.add(xid);
            case COMMITTED -> {
                prepared.remove(xid);
                committed++;
            }
            case ROLLED_BACK -> {
                prepared.remove(xid);
                rolledBack++;
            }
            default -> throw new IOException(file + ": unknown record type " + type);
        }
    }

    /** Makes {@code xid} a prepared branch, durably. */
    public synchronized void prepare(Xid xid) throws IOException {
        StoredXid stored = StoredXid.copyOf(xid);
        append(PREPARED, stored, true);
        prepared.add(stored);
    }

    /**
     * Commits the prepared branch {@code xid}.
     *
     * @return false when no such branch is prepared here
     */
    public synchronized boolean commit(Xid xid) throws IOException {
        return finish(xid, COMMITTED);
    }

    /**
     * Rolls back the prepared branch {@code xid}.
     *
     * @return false when no such branch is prepared here
     */
    public synchronized boolean rollback(Xid xid) throws IOException {
        return finish(xid, ROLLED_BACK);
    }

    private boolean finish(Xid xid, byte outcome) throws IOException {
        StoredXid stored = StoredXid.copyOf(xid);
        if (!prepared.contains(stored)) {
            return false;
        }
        append(outcome, stored, commitMode == ResourceCommit.FORCED);
        prepared.remove(stored);
        if (outcome == COMMITTED) {
            committed++;
        } else {
            rolledBack++;
        }
        return true;
    }

    private void append(byte type, StoredXid xid, boolean force) throws IOException {
        record.clear();
        record.putInt(0);
        record.put(type);
        xid.write(record);
        int length = record.position() - 4;
        record.putInt(0, length);
        crc.reset();
        crc.update(record.array(), 4, length);
        record.putInt((int) crc.getValue());
        record.flip();
        while (record.hasRemaining()) {
            channel.write(record);
        }
        if (force) {
            channel.force(false);
            forces++;
        }
    }

    /** The branches prepared and not yet committed or rolled back, in the order they were prepared. */
    public synchronized List<Xid> prepared() {
        return new ArrayList<>(prepared);
    }

    public synchronized long committedCount() {
        return committed;
    }

    public synchronized long rolledBackCount() {
        return rolledBack;
    }

    /** Forces made by this process (prepares, and commits in {@link ResourceCommit#FORCED} mode). */
    public synchronized long forces() {
        return forces;
    }

    public ResourceCommit commitMode() {
        return commitMode;
    }

    /** Forces whatever is written but not yet durable, then closes the file. */
    @Override
    public synchronized void close() throws IOException {
        try {
            if (channel.isOpen()) {
                channel.force(false);
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "BranchStore[" + file + "]";
    }
}
