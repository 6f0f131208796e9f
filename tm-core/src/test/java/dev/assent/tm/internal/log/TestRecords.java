package dev.assent.tm.internal.log;

import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records with recognisable Xids for the log tests. */
final class TestRecords {
    private TestRecords() {}

    static AssentXid transaction(long number) {
        byte[] gtrid = ByteBuffer.allocate(12).putInt(0x7E57).putLong(number).array();
        return new AssentXid(XidFactory.FORMAT_ID, gtrid, new byte[0]);
    }

    static AssentXid branch(long transaction, int branch) {
        return transaction(transaction)
                .withBranchQualifier(ByteBuffer.allocate(4).putInt(branch).array());
    }

    /** A commit decision of transaction {@code number} with two branches, the second without a name. */
    static LogRecord.CommitDecision decision(long number) {
        return new LogRecord.CommitDecision(
                transaction(number),
                List.of(
                        new LogRecord.BranchRef(branch(number, 1), "orders-db"),
                        new LogRecord.BranchRef(branch(number, 2), null)));
    }

    static LogRecord.Completed completed(long number) {
        return new LogRecord.Completed(transaction(number));
    }

    static List<LogRecord> replayed(TransactionLog log) {
        List<LogRecord> records = new ArrayList<>();
        Consumer<LogRecord> collect = records::add;
        log.replay(collect);
        return records;
    }
}
