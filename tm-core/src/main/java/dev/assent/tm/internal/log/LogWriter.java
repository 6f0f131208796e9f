package dev.assent.tm.internal.log;

import dev.assent.tm.spi.TransactionListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's one writer thread (CONTRIBUTING.md rule 8). Each round it takes everything queued, writes it
 * with one gather write, forces once if anything in the batch needs it or somebody waits for it,
 * and then wakes every waiter the force covered: concurrent committers share one force. Once the
 * current segment is half full, a {@link SegmentPreparer} zero-fills the next one on a thread of
 * its own, so that the rollover only writes and forces the new header; that thread writes no
 * record.
 *
 * <p>Note on concurrency: every field belongs to the writer thread, and before {@link
 * Thread#start()} to the thread opening the log. Other threads reach the writer only through
 * {@link AppendQueue} and {@link Durability}.
 */
final class LogWriter {
    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);
    /** Linux writes at most 1024 buffers per gather call (IOV_MAX). */
    private static final int MAX_BATCH_RECORDS = 1024;

    private static final long MAX_BATCH_BYTES = 4L << 20;
    /** A safety net only: every producer and waiter wakes the writer itself. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SegmentFiles files;
    private final AppendQueue queue;
    private final Durability durability;
    private final LiveRecords live;
    private final TransactionListener listener;
    private final TreeMap<Long, SegmentRef> segments;
    private final String nodeId;
    private final long incarnation;
    /** Listed in every segment header this run writes, so deleting old segments forgets no run. */
    private final List<Long> earlierRuns;

    private final long segmentBytes;
    private final SegmentPreparer preparer;

    private SegmentRef current;
    private LogChannel channel;
    private long writeOffset;
    private long capacity;
    private long nextSequence;
    private long writtenTicket;
    private long forcedTicket;
    private int recordsSinceForce;
    private boolean forceRequired;
    private boolean deletionSuspended;

    LogWriter(
            SegmentFiles files,
            AppendQueue queue,
            Durability durability,
            SegmentLoader.Loaded loaded,
            TransactionListener listener,
            String nodeId,
            long incarnation,
            List<Long> earlierRuns,
            long segmentBytes) {
        this.files = files;
        this.queue = queue;
        this.durability = durability;
        this.live = loaded.live();
        this.segments = loaded.segments();
        this.listener = listener;
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.earlierRuns = List.copyOf(earlierRuns);
        this.segmentBytes = segmentBytes;
        this.nextSequence = loaded.lastSequence() + 1;
        this.preparer = new SegmentPreparer(files, "assent-log-preparer-" + nodeId);
    }

    /**
     * Opening thread: starts this incarnation's first segment, whose forced header records the
     * incarnation, then moves the few live records of older segments into it and deletes what is
     * no longer needed.
     */
    void openFirstSegment() throws IOException {
        long number = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        openSegment(number, 0);
        carryForward(number);
        if (recordsSinceForce > 0) {
            forceAndPublish();
        } else {
            deleteDeadSegments();
        }
    }

    /** Opening thread, when opening failed after {@link #openFirstSegment()}. */
    void abandon() {
        closeChannel();
        preparer.discard();
    }

    /** The writer thread's body: writes and forces until the queue closes, or until a failure. */
    void writeUntilClosed() {
        try {
            while (true) {
                List<PendingRecord> batch = queue.drain(MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
                if (!batch.isEmpty()) {
                    write(batch);
                }
                if (mustForce()) {
                    forceAndPublish();
                }
                if (batch.isEmpty()) {
                    if (queue.closing() && queue.isDrained()) {
                        break;
                    } else if (queue.closing()) {
                        // Records appended just before close(), or an appender between claiming its
                        // ticket and linking its record: the next round takes them.
                        Thread.yield();
                    } else {
                        queue.awaitWork(() -> queue.closing() || mustForce(), IDLE_PARK_NANOS);
                    }
                }
            }
            if (recordsSinceForce > 0) {
                forceAndPublish(); // close() makes lazily appended records durable too
            }
            closeChannel();
            preparer.discard();
        } catch (IOException | RuntimeException e) {
            stop(e);
        } catch (Error e) {
            stop(e);
            throw e;
        }
    }

    private boolean mustForce() {
        // A demand beyond what is written waits for the next round: forcing now would not cover it.
        return recordsSinceForce > 0
                && (forceRequired || Math.min(durability.forceDemand(), writtenTicket) > forcedTicket);
    }

    private void write(List<PendingRecord> batch) throws IOException {
        int from = 0;
        while (from < batch.size()) {
            int to = from;
            long end = writeOffset;
            while (to < batch.size() && end + batch.get(to).frameBytes() <= capacity) {
                end += batch.get(to).frameBytes();
                to++;
            }
            if (to == from) {
                rollOver(batch.get(from).frameBytes());
            } else {
                writeFrames(batch.subList(from, to));
                from = to;
                prepareNextWhenHalfFull();
            }
        }
    }

    private void prepareNextWhenHalfFull() {
        if (writeOffset - SegmentHeader.BYTES >= (capacity - SegmentHeader.BYTES) / 2) {
            preparer.prepare(current.number() + 1, segmentBytes);
        }
    }

    /** One gather write into the current segment; the caller checked that the frames fit. */
    private void writeFrames(List<PendingRecord> records) throws IOException {
        ByteBuffer[] frames = new ByteBuffer[records.size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = records.get(i).frame;
            RecordCodec.seal(frames[i], nextSequence + i);
        }
        try {
            channel.write(frames, writeOffset);
        } finally {
            // Also after a failure part-way: a record handed to the OS whole may still reach the disk.
            for (int i = 0; i < frames.length && !frames[i].hasRemaining(); i++) {
                written(records.get(i));
            }
        }
    }

    private void written(PendingRecord record) {
        live.apply(record.record, nextSequence, current.number(), record.frameBytes());
        nextSequence++;
        writeOffset += record.frameBytes();
        recordsSinceForce++;
        forceRequired |= record.needsForce;
        if (record.ticket > 0) {
            writtenTicket = record.ticket;
        }
    }

    private void forceAndPublish() throws IOException {
        long started = System.nanoTime();
        channel.force(false);
        long nanos = System.nanoTime() - started;
        int records = recordsSinceForce;
        recordsSinceForce = 0;
        forceRequired = false;
        forcedTicket = writtenTicket;
        durability.markDurable(writtenTicket);
        try {
            listener.logForced(records, nanos);
        } catch (RuntimeException e) {
            log.warn("a TransactionListener failed in logForced; ignored", e);
        }
        deleteDeadSegments();
    }

    private void rollOver(int frameBytes) throws IOException {
        if (recordsSinceForce > 0) {
            forceAndPublish(); // only the newest segment may end in records that are not durable yet
        }
        closeChannel();
        long filled = current.number();
        openSegment(filled + 1, frameBytes);
        deletionSuspended = false;
        carryForward(filled);
    }

    private void openSegment(long number, int frameBytes) throws IOException {
        // Room for the record that did not fit and for the records carried forward into the segment.
        long size = Math.max(segmentBytes, SegmentHeader.BYTES + carryBudget() + frameBytes);
        SegmentHeader header = new SegmentHeader(number, incarnation, earlierRuns, nextSequence, nodeId);
        Optional<LogChannel> prepared = preparer.take(number, size);
        channel = prepared.isPresent() ? files.activate(prepared.get(), header) : files.create(header, size);
        current = new SegmentRef(number, files.path(number), nextSequence);
        segments.put(number, current);
        writeOffset = SegmentHeader.BYTES;
        capacity = size;
    }

    private long carryBudget() {
        return (segmentBytes - SegmentHeader.BYTES) / 4;
    }

    /**
     * Copies the live records of the oldest segments below {@code below} into the current one, as
     * long as they take at most a quarter of a segment, so that a few long-lived records (a
     * resource manager that stays away, an unforgotten heuristic) never pin old segments forever.
     * The copies supersede the originals, and the segments are deleted after the next force.
     */
    private void carryForward(long below) throws IOException {
        long budget = carryBudget();
        List<PendingRecord> copies = new ArrayList<>();
        for (SegmentRef segment : segments.headMap(below).values()) {
            long bytes = live.bytes(segment.number());
            if (bytes > budget) {
                break; // older segments go first (see deleteDeadSegments), so nothing later can go either
            }
            budget -= bytes;
            for (LiveRecords.Entry entry : live.entriesIn(segment.number())) {
                copies.add(PendingRecord.of(entry.record()));
            }
        }
        if (!copies.isEmpty()) {
            log.debug("carrying {} live records forward into segment {}", copies.size(), current.number());
            writeFrames(copies);
        }
    }

    /**
     * Deletes the oldest segments that hold no live record. Oldest first, because a completion
     * record in a newer segment may be what cancels a decision in an older one; and only right
     * after a force, so that every copy carried forward is durable before its original goes.
     */
    private void deleteDeadSegments() {
        while (!deletionSuspended && segments.size() > 1) {
            SegmentRef oldest = segments.firstEntry().getValue();
            if (oldest.number() == current.number() || live.records(oldest.number()) > 0) {
                return;
            }
            try {
                files.delete(oldest.path());
                segments.pollFirstEntry();
            } catch (IOException e) {
                log.warn(
                        "could not delete the finished log segment {}; trying again after the next rollover",
                        oldest.path(),
                        e);
                deletionSuspended = true;
            }
        }
    }

    private void stop(Throwable cause) {
        String message = "the transaction log in " + files.directory() + " stopped after a failure (" + cause
                + ") and accepts no more records. Fix the cause and restart the transaction manager: start-up"
                + " replays every commit decision that reached the disk";
        log.error(message, cause);
        durability.fail(new Durability.Failure(message, writtenTicket + 1, cause));
        closeChannel();
        preparer.discard();
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing log segment {} failed; its records were forced before", current.path(), e);
        }
        channel = null;
    }
}
