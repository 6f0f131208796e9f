package dev.assent.tm;

import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

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
 * @param recoveryInterval time between background recovery scans; zero for on demand only
 * @param orphanGracePeriod how long a branch of this run without a transaction in flight or a
 *     commit decision is left alone before recovery rolls it back
 * @param recoveryResources resource managers registered for recovery from the start
 */
public record AssentConfig(
        String nodeId,
        Path logDirectory,
        boolean inMemoryLog,
        Duration defaultTimeout,
        int parallelism,
        Duration timeoutCheckInterval,
        Clock clock,
        List<TransactionListener> listeners,
        Duration recoveryInterval,
        Duration orphanGracePeriod,
        Map<String, Supplier<XAResource>> recoveryResources) {

    public AssentConfig {
        listeners = List.copyOf(listeners);
        recoveryResources = Collections.unmodifiableMap(new LinkedHashMap<>(recoveryResources));
    }
}
