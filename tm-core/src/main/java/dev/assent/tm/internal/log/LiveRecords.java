package dev.assent.tm.internal.log;

import dev.assent.tm.internal.tx.AssentXid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The records that still matter after a restart (commit decisions without a completion,
 * heuristic reports not yet forgotten), where each lies, and how much of each segment is still
 * live, which tells when a segment may be deleted.
 *
 * <p>Note on concurrency: one thread changes this table, the opening thread and then the writer
 * thread (handed over by {@link Thread#start()}). {@code byKey} and {@code usage} are touched by
 * that thread only; {@code bySequence} is also read by any thread through {@link #replay}, which
 * sees a weakly consistent view.
 */
final class LiveRecords {

    /** One live record: the latest copy of it in the log. */
    record Entry(LogRecord record, long sequence, long segment, int frameBytes) {}

    private enum Kind {
        DECISION,
        HEURISTIC
    }

    private record Key(Kind kind, AssentXid xid) {}

    private static final class Usage {
        int records;
        long bytes;
    }

    private final Map<Key, Entry> byKey = new HashMap<>();
    private final Map<Long, Usage> usage = new HashMap<>();
    private final ConcurrentSkipListMap<Long, Entry> bySequence = new ConcurrentSkipListMap<>();

    /** Takes a record into account once it is written at {@code sequence} in {@code segment}. */
    void apply(LogRecord record, long sequence, long segment, int frameBytes) {
        // Java 17 has no pattern switch; the family is sealed, so the last branch is the fourth type.
        if (record instanceof LogRecord.CommitDecision decision) {
            put(new Key(Kind.DECISION, decision.transactionId()), new Entry(record, sequence, segment, frameBytes));
        } else if (record instanceof LogRecord.Completed completed) {
            remove(new Key(Kind.DECISION, completed.transactionId()));
        } else if (record instanceof LogRecord.Heuristic heuristic) {
            put(new Key(Kind.HEURISTIC, heuristic.branch().xid()), new Entry(record, sequence, segment, frameBytes));
        } else {
            remove(new Key(Kind.HEURISTIC, ((LogRecord.HeuristicForgotten) record).branchXid()));
        }
    }

    /** Live records in {@code segment}. */
    int records(long segment) {
        Usage used = usage.get(segment);
        return used == null ? 0 : used.records;
    }

    /** Encoded bytes of the live records in {@code segment}. */
    long bytes(long segment) {
        Usage used = usage.get(segment);
        return used == null ? 0 : used.bytes;
    }

    /** The live records of {@code segment}, in log order. */
    List<Entry> entriesIn(long segment) {
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : bySequence.values()) {
            if (entry.segment() == segment) {
                entries.add(entry);
            }
        }
        return entries;
    }

    int size() {
        return bySequence.size();
    }

    void replay(Consumer<LogRecord> visitor) {
        for (Entry entry : bySequence.values()) {
            visitor.accept(entry.record());
        }
    }

    private void put(Key key, Entry entry) {
        remove(key); // a later copy of the same fact supersedes the earlier one
        byKey.put(key, entry);
        bySequence.put(entry.sequence(), entry);
        Usage used = usage.computeIfAbsent(entry.segment(), segment -> new Usage());
        used.records++;
        used.bytes += entry.frameBytes();
    }

    private void remove(Key key) {
        Entry old = byKey.remove(key);
        if (old == null) {
            return;
        }
        bySequence.remove(old.sequence());
        Usage used = usage.get(old.segment());
        used.records--;
        used.bytes -= old.frameBytes();
        if (used.records == 0) {
            usage.remove(old.segment());
        }
    }
}
