package dev.assent.tm.internal.log;

import dev.assent.tm.internal.text.Plural;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: reads every segment, rebuilds the live records, and decides what it found at the end
 * of the log. Damage is only ever repaired when it can be nothing but an interrupted last write
 * that nobody was told was durable; anything else stops start-up with a {@link
 * LogCorruptionException}. Nothing is changed on disk until every segment has been checked.
 */
final class SegmentLoader {
    private static final Logger log = LoggerFactory.getLogger(SegmentLoader.class);

    /**
     * The log as found.
     *
     * @param lastSequence the sequence of the last valid record (0 for an empty log)
     * @param recordedRuns the incarnations of the runs whose segments this log shows (in the
     *     segments' own headers or carried forward in newer ones), oldest first; empty for an
     *     empty log
     * @param tornTail what was cut from the end of the newest segment, or null
     */
    record Loaded(
            TreeMap<Long, SegmentRef> segments,
            LiveRecords live,
            long lastSequence,
            List<Long> recordedRuns,
            int segmentsRead,
            OpenReport.TornTail tornTail,
            List<Path> blankSegments) {}

    private record Scanned(long number, Path path, SegmentScanner.Result result) {}

    private SegmentLoader() {}

    static Loaded load(SegmentFiles files, String nodeId) throws IOException {
        LiveRecords live = new LiveRecords();
        List<Scanned> scanned = scanAll(files, live);
        int segmentsRead = scanned.size();
        // A segment prepared in advance (SegmentPreparer), or one whose creation a crash interrupted, is
        // blank: its header was never forced, so no record was ever written into it.
        List<Path> blank = new ArrayList<>();
        while (!scanned.isEmpty() && isBlank(scanned.get(scanned.size() - 1))) {
            blank.add(0, scanned.remove(scanned.size() - 1).path());
        }
        Loaded loaded = check(scanned, nodeId, files, live, segmentsRead, blank);
        repair(files, blank, loaded.tornTail());
        return loaded;
    }

    private static List<Scanned> scanAll(SegmentFiles files, LiveRecords live) throws IOException {
        List<Scanned> scanned = new ArrayList<>();
        for (Map.Entry<Long, Path> file : files.list().entrySet()) {
            long number = file.getKey();
            try (LogChannel channel = files.storage().open(file.getValue())) {
                SegmentScanner.Result result = SegmentScanner.scan(
                        channel, (record, sequence, offset, bytes) -> live.apply(record, sequence, number, bytes));
                scanned.add(new Scanned(number, file.getValue(), result));
            }
        }
        return scanned;
    }

    /** Checks the segments in order; only the newest may end in a torn tail. */
    private static Loaded check(
            List<Scanned> scanned,
            String nodeId,
            SegmentFiles files,
            LiveRecords live,
            int segmentsRead,
            List<Path> blank) {
        TreeMap<Long, SegmentRef> segments = new TreeMap<>();
        long lastSequence = 0;
        SegmentHeader previous = null;
        Set<Long> recordedRuns = new LinkedHashSet<>();
        OpenReport.TornTail tornTail = null;
        for (int i = 0; i < scanned.size(); i++) {
            Scanned segment = scanned.get(i);
            SegmentHeader header = validHeader(segment, nodeId, files);
            if (previous != null) {
                checkContinues(segment, header, segments.lastKey(), lastSequence, files);
                checkSameLog(segment, header, previous);
            }
            SegmentScanner.Damage damage = segment.result().damage();
            boolean newest = i == scanned.size() - 1;
            if (damage != null && newest && damage.couldBeTornTail()) {
                long cut = segment.result().fileSize() - damage.offset();
                tornTail = new OpenReport.TornTail(segment.path(), damage.offset(), cut, damage.problem());
            } else if (damage != null) {
                throw new LogCorruptionException(segment.path(), damage.offset(), explain(damage, newest));
            }
            lastSequence = segment.result().lastSequence();
            recordedRuns.addAll(header.earlierRuns());
            recordedRuns.add(header.incarnation());
            previous = header;
            segments.put(segment.number(), new SegmentRef(segment.number(), segment.path(), header.firstSequence()));
        }
        return new Loaded(segments, live, lastSequence, List.copyOf(recordedRuns), segmentsRead, tornTail, blank);
    }

    private static boolean isBlank(Scanned segment) {
        SegmentScanner.Result result = segment.result();
        return result.header() == null
                && result.headerProblem().kind() == SegmentHeader.InvalidHeaderException.Kind.BLANK
                && result.damage().nextValidOffset() < 0;
    }

    private static SegmentHeader validHeader(Scanned segment, String nodeId, SegmentFiles files) {
        SegmentScanner.Result result = segment.result();
        SegmentHeader header = result.header();
        if (header == null
                && result.headerProblem().kind() == SegmentHeader.InvalidHeaderException.Kind.UNSUPPORTED_VERSION) {
            throw new IllegalStateException(
                    segment.path() + " was written in " + result.headerProblem().getMessage()
                            + ": a newer Assent wrote it (run that version, or a later one, on this log directory),"
                            + " unless its header is damaged");
        }
        if (header == null) {
            throw new LogCorruptionException(
                    segment.path(),
                    0,
                    "its segment header cannot be read: "
                            + result.headerProblem().getMessage());
        }
        if (!header.nodeId().equals(nodeId)) {
            throw new IllegalStateException("the transaction log in " + files.directory() + " belongs to node '"
                    + header.nodeId() + "' (see " + segment.path().getFileName() + "), but this transaction manager"
                    + " is node '" + nodeId + "'. Each node needs its own log directory: point this one at its own;"
                    + " if the node was renamed, run it under its old id until recovery has finished the"
                    + " transactions in this log");
        }
        if (header.segmentNumber() != segment.number()) {
            throw new LogCorruptionException(
                    segment.path(),
                    8,
                    "its header says it is segment " + header.segmentNumber()
                            + "; was the file renamed or copied over another?");
        }
        return header;
    }

    private static void checkContinues(
            Scanned segment, SegmentHeader header, long previousNumber, long previousSequence, SegmentFiles files) {
        if (segment.number() != previousNumber + 1) {
            throw new LogCorruptionException(
                    segment.path(),
                    0,
                    "the segment before it, " + files.path(previousNumber + 1).getFileName() + ", is missing");
        }
        if (header.firstSequence() != previousSequence + 1) {
            throw new LogCorruptionException(
                    segment.path(),
                    24,
                    "it starts at record sequence "
                            + header.firstSequence() + " but the segment before it ends at " + previousSequence
                            + "; records in between are missing");
        }
    }

    /**
     * A segment follows one of its own run or lists the run that wrote the segment before it
     * (every run starts a segment, and every version 2 header lists the runs before it), so a
     * segment that does neither comes from another log directory. Version 1 headers list no runs.
     */
    private static void checkSameLog(Scanned segment, SegmentHeader header, SegmentHeader previous) {
        boolean bothVersion1 = header.formatVersion() == 1 && previous.formatVersion() == 1;
        if (bothVersion1
                || header.incarnation() == previous.incarnation()
                || header.earlierRuns().contains(previous.incarnation())) {
            return;
        }
        throw new LogCorruptionException(
                segment.path(),
                16,
                "it was written by run " + Incarnations.name(header.incarnation()) + ", which does not list run "
                        + Incarnations.name(previous.incarnation()) + " of the segment before it among its earlier"
                        + " runs; were the segments of two log directories mixed?");
    }

    private static String explain(SegmentScanner.Damage damage, boolean newest) {
        StringBuilder problem = new StringBuilder(damage.problem());
        if (damage.nextValidOffset() >= 0) {
            problem.append("; a valid record follows at offset ").append(damage.nextValidOffset());
        }
        if (!newest) {
            problem.append("; newer segments follow");
        }
        if (damage.nextValidOffset() >= 0 || !newest) {
            problem.append(", so this is not a write that a crash interrupted");
        }
        return problem.toString();
    }

    /** Changes the disk only after every segment checked out. */
    private static void repair(SegmentFiles files, List<Path> blank, OpenReport.TornTail tornTail) throws IOException {
        for (int i = blank.size() - 1; i >= 0; i--) {
            log.info(
                    "removing {}: it holds no record (a segment prepared in advance, or one whose creation was"
                            + " interrupted)",
                    blank.get(i));
            files.delete(blank.get(i));
        }
        if (tornTail != null) {
            // DEBUG only: the transaction manager warns about the cut (OpenReport), once.
            log.debug(
                    "cutting {} at offset {} of {}: a write that a crash interrupted ({}); nobody was told it"
                            + " was durable",
                    Plural.count(tornTail.bytesCut(), "byte"),
                    tornTail.offset(),
                    tornTail.file(),
                    tornTail.problem());
            try (LogChannel channel = files.storage().open(tornTail.file())) {
                channel.truncate(tornTail.offset());
                channel.force(true);
            }
        }
    }
}
