package dev.assent.tm.internal.log;

import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.XidFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable transaction log: append-only segment files, one writer thread, group commit.
 *
 * <h2>Files</h2>
 *
 * The log directory holds {@code assent.lock} (an exclusive OS lock naming its owner's pid and
 * host) and segments {@code assent-NNNNNNNN.log}, numbered without gaps. A segment is a 512-byte
 * header ({@link SegmentHeader}: magic, format version, segment number, incarnation, first
 * sequence, node id, the incarnations of up to 48 earlier runs, CRC; 128 bytes in format version
 * 1) followed by records framed by {@link RecordCodec} (length, sequence,
 * type, payload, CRC32, end marker). Sequences rise by one from record to record across segments.
 * Each segment is preallocated with zeros (64 MiB by default), so a data-only force never has to
 * change the file's size, and the never-written rest of a segment reads as zeros. Files are
 * created readable and writable by the owner only where the file system has POSIX permissions.
 *
 * <h2>Writing</h2>
 *
 * {@link #append} encodes the record on the caller's thread and links it into a lock-free queue;
 * the returned position is its ticket in that queue. The writer thread takes everything queued,
 * writes it with one gather write and then forces once, if the batch holds a record that needs it
 * (commit decisions, heuristic reports) or somebody waits in {@link #awaitDurable} for a record of
 * it. Completion records alone are written but not forced (presumed abort: losing one only makes
 * recovery ask a resource again). When a record does not fit the current segment, the writer forces
 * the segment and goes on in the next one. That one was created and zero-filled in advance, with a
 * blank header, on a thread of its own once the current segment was half full ({@link
 * SegmentPreparer}); the writer only writes and forces its header. A blank newest segment holds no
 * record, and start-up removes it.
 *
 * <h2>Trimming</h2>
 *
 * A record is live while it matters to recovery: a commit decision until its transaction's
 * completion record, a heuristic report until it is forgotten. After each force, the writer
 * deletes the oldest segment while it holds no live record and is not the current one. Oldest
 * first, because a completion in a newer segment is what cancels a decision in an older one. So
 * that a few long-lived records (an unreachable resource manager, an unforgotten heuristic) do not
 * pin old segments forever, each rollover copies the live records of the oldest segments (up to a
 * quarter of a segment) into the new segment; a copy supersedes its original, and the original's
 * segment goes after the force that made the copy durable. A crash between the two leaves both
 * copies, which mean the same; start-up keeps one.
 *
 * <h2>Start-up</h2>
 *
 * {@link #open} locks the directory, reads every segment, and checks node id, format version,
 * segment numbering and sequence continuity. The end of the newest segment may be a write that a
 * crash interrupted (incomplete or checksum-failing bytes with no valid record after them): it is
 * cut, and {@link #openReport()} says what was cut. Damage anywhere else stops start-up with a
 * {@link LogCorruptionException} naming file and offset: a forced commit decision is never
 * silently dropped. A new segment then starts this run: its forced header holds the run's
 * incarnation, drawn at random ({@link Incarnations}), and the incarnations of the earlier runs the
 * log recorded, the only runs whose prepared branches recovery may presume aborted.
 *
 * <h2>Failures</h2>
 *
 * An I/O failure stops the log for good (fail-stop): waiters get a {@link LogException} whose
 * {@link LogException#mayBeDurable()} is true when their record was written whole but the force
 * failed, false when it was never written whole; every later {@link #append} is refused. A restart
 * replays what reached the disk.
 */
public final class FileTransactionLog implements TransactionLog {
    private static final Logger log = LoggerFactory.getLogger(FileTransactionLog.class);

    // Note on concurrency: queue, durability and live are shared with the writer thread (each says
    // who writes what); writer is handed to the writer thread by Thread.start() and not touched
    // again here; closed is set once, by the first close().
    private final Path directory;
    private final DirectoryLock lock;
    private final AppendQueue queue;
    private final Durability durability;
    private final LiveRecords live;
    private final LogWriter writer;
    private final Thread writerThread;
    private final long incarnation;
    /** The runs before this one whose every commit decision this log holds (docs/protocols.md §4). */
    private final Set<Long> recordedEarlierRuns;

    private final OpenReport openReport;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FileTransactionLog(
            Path directory, String nodeId, FileLogOptions options, DirectoryLock lock, SegmentLoader.Loaded loaded) {
        this.directory = directory;
        this.lock = lock;
        List<Long> earlierRuns = rememberedEarlierRuns(loaded);
        this.recordedEarlierRuns = Set.copyOf(earlierRuns);
        this.incarnation = Incarnations.draw(new SecureRandom(), loaded.recordedRuns());
        this.queue = new AppendQueue();
        this.durability = new Durability(queue::wakeWriter);
        this.live = loaded.live();
        SegmentFiles files = new SegmentFiles(directory, options.storage());
        this.writer = new LogWriter(
                files,
                queue,
                durability,
                loaded,
                options.listener(),
                nodeId,
                incarnation,
                earlierRuns,
                options.segmentBytes());
        this.openReport = new OpenReport(
                incarnation,
                earlierRuns.size(),
                loaded.segmentsRead(),
                live.size(),
                Optional.ofNullable(loaded.tornTail()),
                loaded.blankSegments());
        this.writerThread = new Thread(writer::writeUntilClosed, "assent-log-writer-" + nodeId);
        // A forgotten close() must not keep the JVM alive; it can only lose unforced completions.
        writerThread.setDaemon(true);
        queue.bindWriter(writerThread);
    }

    /**
     * The newest runs this log shows, at most {@link Incarnations#REMEMBERED_EARLIER_RUNS}: this run
     * lists them in its segment headers, and vouches for them. An empty log vouches for no run, so
     * the branches of runs whose log was lost are reported, never presumed aborted.
     */
    private static List<Long> rememberedEarlierRuns(SegmentLoader.Loaded loaded) {
        List<Long> shown = loaded.recordedRuns();
        return shown.subList(Math.max(0, shown.size() - Incarnations.REMEMBERED_EARLIER_RUNS), shown.size());
    }

    /** Opens the log in {@code directory} with {@link FileLogOptions#defaults()}. */
    public static FileTransactionLog open(Path directory, String nodeId) {
        return open(directory, nodeId, FileLogOptions.defaults());
    }

    /**
     * Opens (creating if needed) the log in {@code directory} for node {@code nodeId}, repairs a
     * torn tail, starts a new incarnation and the writer thread.
     *
     * @throws IllegalArgumentException when {@code nodeId} is not a valid node id
     * @throws IllegalStateException when another transaction manager holds the directory, or the
     *     log belongs to another node id
     * @throws LogCorruptionException when the log is damaged other than at its very end
     * @throws UncheckedIOException when the files cannot be read or written
     */
    public static FileTransactionLog open(Path directory, String nodeId, FileLogOptions options) {
        XidFactory.validNodeId(nodeId);
        Objects.requireNonNull(options, "options");
        try {
            FileLogStorage.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the transaction log directory " + directory, e);
        }
        DirectoryLock lock = DirectoryLock.acquire(directory);
        FileTransactionLog opened = null;
        try {
            SegmentLoader.Loaded loaded = SegmentLoader.load(new SegmentFiles(directory, options.storage()), nodeId);
            opened = new FileTransactionLog(directory, nodeId, options, lock, loaded);
            opened.writer.openFirstSegment();
            opened.writerThread.start();
            // DEBUG only: the transaction manager reports the opened log in its own INFO line
            // (openReport()), so that a user reads it once.
            log.debug(
                    "transaction log {} open: incarnation {}, {}, {}, {}{}",
                    directory.toAbsolutePath().normalize(),
                    Incarnations.name(opened.incarnation),
                    Plural.count(opened.recordedEarlierRuns.size(), "earlier run") + " on record",
                    Plural.count(loaded.segmentsRead(), "segment") + " read",
                    Plural.count(opened.live.size(), "live record"),
                    loaded.tornTail() == null
                            ? ""
                            : ", torn tail cut at offset " + loaded.tornTail().offset());
            return opened;
        } catch (IOException e) {
            abandon(opened, lock);
            throw new UncheckedIOException("cannot open the transaction log in " + directory + ": " + e, e);
        } catch (RuntimeException | Error e) {
            abandon(opened, lock);
            throw e;
        }
    }

    private static void abandon(FileTransactionLog opened, DirectoryLock lock) {
        if (opened != null) {
            opened.writer.abandon();
        }
        lock.close();
    }

    /**
     * Queues a record for the writer thread and returns its position; does not wait for the disk.
     *
     * @throws LogException when the log is closed or stopped after a failure, or the record exceeds
     *     {@link RecordCodec#MAX_FRAME_BYTES}; the record was not written ({@code mayBeDurable} false)
     */
    @Override
    public long append(LogRecord record) throws LogException {
        Objects.requireNonNull(record, "record");
        if (closed.get()) {
            throw new LogException("the transaction log in " + directory + " is closed", false, null);
        }
        Durability.Failure failure = durability.failure();
        if (failure != null) {
            throw new LogException(failure.message(), false, failure.cause());
        }
        PendingRecord pending;
        try {
            pending = PendingRecord.of(record);
        } catch (IllegalArgumentException e) {
            throw new LogException(e.getMessage(), false, e);
        }
        return queue.enqueue(pending);
    }

    /**
     * Returns once the record at {@code position} and every record before it are forced to disk;
     * shares the force with every other record written in the same batch.
     *
     * @throws IllegalArgumentException when {@code position} was never returned by {@link #append}
     * @throws LogException when the log stopped or closed before the record was durable
     * @throws InterruptedException when interrupted; the record may still become durable
     */
    @Override
    public void awaitDurable(long position) throws LogException, InterruptedException {
        if (position < 1 || position > queue.lastTicket()) {
            throw new IllegalArgumentException("position " + position + " was never returned by append()");
        }
        durability.await(position);
    }

    /**
     * Visits the records that still matter (commit decisions without a completion, heuristic
     * reports not forgotten) in log order; a record carried forward into a newer segment counts at
     * its copy's place. Reflects every record appended before the call: it first waits until the
     * writer has made them durable, so that recovery never mistakes a decision still in the queue
     * for a missing one. After a failure it visits what was written before it.
     */
    @Override
    public void replay(Consumer<LogRecord> visitor) {
        long appended = queue.lastTicket();
        if (appended > durability.durableTicket()) {
            try {
                durability.await(appended);
            } catch (LogException e) {
                log.debug("replaying the records written before the log stopped: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.debug("interrupted while waiting for queued records; replaying what is written");
            }
        }
        live.replay(visitor);
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    /**
     * Only the runs this log's segment headers show, within the remembered window: a run the log
     * never saw (one of a lost log, or one that only a lost newer copy of this directory recorded)
     * is not among them, whatever its incarnation.
     */
    @Override
    public boolean recordedEarlierRun(long run) {
        return recordedEarlierRuns.contains(run);
    }

    /** What start-up found and repaired. */
    public OpenReport openReport() {
        return openReport;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes and forces everything appended so far, stops the writer thread and releases the
     * directory lock. Idempotent. After a failure it only releases what it holds.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing: the lock must not stay held
            }
        }
        durability.fail(new Durability.Failure(
                "the transaction log in " + directory + " was closed before this record was written",
                durability.durableTicket() + 1,
                null));
        lock.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
