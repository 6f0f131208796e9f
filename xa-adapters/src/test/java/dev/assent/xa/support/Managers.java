package dev.assent.xa.support;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Duration;

/** Transaction managers for tests: in-memory log unless durability matters. */
public final class Managers {
    private Managers() {}

    /** A manager with an in-memory log and recovery on demand only. */
    public static AssentTransactionManager inMemory(String nodeId, TransactionListener... listeners) {
        Assent.Builder builder = Assent.configure()
                .nodeId(nodeId)
                .inMemoryLog()
                .recoveryInterval(Duration.ZERO)
                .timeoutCheckInterval(Duration.ofMillis(50));
        for (TransactionListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    /** A manager with the durable file log in {@code directory}. */
    public static AssentTransactionManager durable(String nodeId, Path directory, TransactionListener... listeners) {
        Assent.Builder builder =
                Assent.configure().nodeId(nodeId).logDirectory(directory).recoveryInterval(Duration.ZERO);
        for (TransactionListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }
}
