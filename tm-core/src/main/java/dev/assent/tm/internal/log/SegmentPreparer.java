package dev.assent.tm.internal.log;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-fills the next segment on a thread of its own while the writer still fills the current
 * one, so that a rollover only writes and forces the new segment's header instead of preallocating
 * a whole segment while every committer waits. The prepared file has its final name and a blank
 * header (all zeros), which start-up already reads as a segment holding no record and removes
 * ({@link SegmentLoader}); a crash at any step of the preparation therefore leaves a log that
 * reads back exactly as before the preparation began.
 *
 * <p>Note on concurrency: every field belongs to the log's writer thread (before {@link
 * Thread#start()}, to the thread opening the log). The preparing thread only touches the file it
 * creates and hands the result over through the {@link CompletableFuture}, whose completion
 * happens-before {@link CompletableFuture#join()} returns.
 */
final class SegmentPreparer {
    private static final Logger log = LoggerFactory.getLogger(SegmentPreparer.class);

    private record Prepared(long number, long capacity, LogChannel channel) {}

    private final SegmentFiles files;
    private final String threadName;

    private CompletableFuture<Prepared> underWay;
    private long numberUnderWay;

    SegmentPreparer(SegmentFiles files, String threadName) {
        this.files = files;
        this.threadName = threadName;
    }

    /** Starts preparing segment {@code number} unless it is prepared or under way already. */
    void prepare(long number, long capacity) {
        if (underWay != null && numberUnderWay == number) {
            return;
        }
        discard();
        CompletableFuture<Prepared> future = new CompletableFuture<>();
        Thread preparing = new Thread(
                () -> {
                    try {
                        future.complete(new Prepared(number, capacity, files.prepare(number, capacity)));
                    } catch (IOException | RuntimeException | Error e) {
                        future.completeExceptionally(e);
                    }
                },
                threadName);
        // Never keeps the JVM alive: an unused prepared segment is removed at the next start.
        preparing.setDaemon(true);
        underWay = future;
        numberUnderWay = number;
        preparing.start();
    }

    /**
     * Segment {@code number} zero-filled to at least {@code capacity}, waiting for its preparation
     * if still under way; empty when none was started, it failed (the caller creates the segment
     * itself, and meets the failure again if the disk still has it), or it is too small.
     */
    Optional<LogChannel> take(long number, long capacity) {
        if (underWay == null || numberUnderWay != number) {
            discard();
            return Optional.empty();
        }
        Optional<Prepared> prepared = await();
        if (prepared.isPresent() && prepared.get().capacity() < capacity) {
            remove(prepared.get()); // a record larger than a segment: the caller creates a larger one
            return Optional.empty();
        }
        return prepared.map(Prepared::channel);
    }

    /**
     * Waits for a preparation under way and removes its file, so that nothing touches the directory
     * after the log closed or stopped (and its lock is released).
     */
    void discard() {
        if (underWay != null) {
            await().ifPresent(this::remove);
        }
    }

    private Optional<Prepared> await() {
        CompletableFuture<Prepared> future = underWay;
        underWay = null;
        try {
            return Optional.of(future.join());
        } catch (CompletionException e) {
            log.warn(
                    "preparing log segment {} in advance failed; the writer creates it when it is needed",
                    files.path(numberUnderWay),
                    e.getCause());
            return Optional.empty();
        }
    }

    private void remove(Prepared prepared) {
        try {
            prepared.channel().close();
            files.delete(files.path(prepared.number()));
        } catch (IOException e) {
            log.warn(
                    "could not remove the unused log segment {}; the next start removes it",
                    files.path(prepared.number()),
                    e);
        }
    }
}
