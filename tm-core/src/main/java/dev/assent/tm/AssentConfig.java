package dev.assent.tm;

import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The validated, immutable configuration of one transaction manager. Built by
 * {@link Assent#configure()}; nothing in it changes once the manager runs.
 *
 * @param nodeId this transaction manager's name, unique among those sharing resource managers
 * @param logDirectory where the durable transaction log lives (unused with an in-memory log)
 * @param inMemoryLog true for a log that does not survive the process (tests, benchmarks)
 * @param defaultTimeout the timeout of transactions whose thread set none
 * @param parallelism threads that prepare and commit branches in parallel; 1 means sequential
 * @param timeoutCheckInterval how often the reaper looks for expired transactions
 * @param clock the time source of timeouts
 * @param listeners observers of every transaction
 */
public record AssentConfig(
        String nodeId,
        Path logDirectory,
        boolean inMemoryLog,
        Duration defaultTimeout,
        int parallelism,
        Duration timeoutCheckInterval,
        Clock clock,
        List<TransactionListener> listeners) {

    public AssentConfig {
        listeners = List.copyOf(listeners);
    }
}
