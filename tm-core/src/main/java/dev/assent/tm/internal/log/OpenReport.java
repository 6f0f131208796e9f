package dev.assent.tm.internal.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link FileTransactionLog#open} found and repaired, for the start-up log line and for
 * operators.
 *
 * @param incarnation the run that now writes the log
 * @param earlierRunsRecorded how many earlier runs the log vouches for (their decisions are all in
 *     it), at most {@link Incarnations#REMEMBERED_EARLIER_RUNS}
 * @param segmentsRead segment files read (before any was deleted)
 * @param liveRecords records that still matter (see {@link FileTransactionLog#replay})
 * @param tornTail the incomplete end of the last segment that was cut, if there was one
 * @param removedBlankSegments segment files with a blank header and no record (zero-filled in
 *     advance and never started, or their creation interrupted by a crash); they were deleted
 */
public record OpenReport(
        long incarnation,
        int earlierRunsRecorded,
        int segmentsRead,
        int liveRecords,
        Optional<TornTail> tornTail,
        List<Path> removedBlankSegments) {

    public OpenReport {
        removedBlankSegments = List.copyOf(removedBlankSegments);
    }

    /**
     * The end of the last segment that a crash left half written: nobody was told it was durable.
     *
     * @param offset where the cut was made (the file's new size)
     * @param bytesCut how many bytes were removed
     * @param problem what was found at {@code offset}
     */
    public record TornTail(Path file, long offset, long bytesCut, String problem) {}
}
