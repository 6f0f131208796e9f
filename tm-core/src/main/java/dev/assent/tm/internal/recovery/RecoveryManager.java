package dev.assent.tm.internal.recovery;

import dev.assent.tm.RecoveryReport;
import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.spi.TransactionListener;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs recovery scans: on demand, when a resource is registered, and periodically. Scans never
 * overlap (one lock, held only by scans and operator actions, never on the transaction path).
 */
public final class RecoveryManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecoveryManager.class);

    private final RecoveryLedger ledger;
    private final TransactionLog transactionLog;
    private final XidFactory xids;
    private final Predicate<AssentXid> inFlight;
    private final Clock clock;
    private final Duration orphanGrace;
    private final TransactionListener listener;
    private final Map<String, Supplier<XAResource>> resources = new ConcurrentHashMap<>();
    private final Map<String, XAResource> sampleResources = new ConcurrentHashMap<>();
    private final Map<AssentXid, Long> orphansFirstSeen = new ConcurrentHashMap<>();
    /** Resource name to when a scan first found it owed commits but not registered; scans only. */
    private final Map<String, Long> unregisteredSince = new HashMap<>();

    private final ReentrantLock scanLock = new ReentrantLock();
    private final ScheduledExecutorService scheduler;

    public RecoveryManager(
            RecoveryLedger ledger,
            TransactionLog transactionLog,
            XidFactory xids,
            Predicate<AssentXid> inFlight,
            Clock clock,
            Duration orphanGrace,
            TransactionListener listener) {
        this.ledger = ledger;
        this.transactionLog = transactionLog;
        this.xids = xids;
        this.inFlight = inFlight;
        this.clock = clock;
        this.orphanGrace = orphanGrace;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "assent-recovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Scans every {@code interval} from now on (zero: only on demand). */
    public void scheduleEvery(Duration interval) {
        if (interval.isZero()) {
            return;
        }
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::scanQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Registers a resource manager and scans it soon, without waiting for the next period. */
    public void addResource(String name, Supplier<XAResource> supplier) {
        register(name, supplier);
        if (!scheduler.isShutdown()) {
            scheduler.execute(this::scanQuietly);
        }
    }

    /** Registers a resource manager for the next scan (the start-up scan, for the builder's). */
    public void register(String name, Supplier<XAResource> supplier) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a recovery resource needs a name, the one its branches are logged"
                    + " under (NamedXAResource.resourceManagerName())");
        }
        if (resources.putIfAbsent(name, supplier) != null) {
            throw new IllegalArgumentException("a recovery resource named '" + name + "' is already registered");
        }
    }

    /** Unregisters a resource manager; false when none of that name was registered. */
    public boolean removeResource(String name) {
        sampleResources.remove(name);
        return resources.remove(name) != null;
    }

    /**
     * The registered name of the resource manager {@code resource} belongs to (isSameRM against
     * one resource of each registered manager), or null.
     */
    public String nameOf(XAResource resource) {
        for (Map.Entry<String, Supplier<XAResource>> entry : resources.entrySet()) {
            try {
                XAResource sample = sampleResources.computeIfAbsent(
                        entry.getKey(), name -> entry.getValue().get());
                if (sample.isSameRM(resource)) {
                    return entry.getKey();
                }
            } catch (XAException | RuntimeException e) {
                sampleResources.remove(entry.getKey());
            }
        }
        return null;
    }

    public RecoveryLedger ledger() {
        return ledger;
    }

    /** One synchronous scan over every registered resource. */
    public RecoveryReport scan() {
        scanLock.lock();
        try {
            RecoveryScan scan = new RecoveryScan(ledger, transactionLog, xids, inFlight, new GraceClock());
            RecoveryReport report = scan.run(new LinkedHashMap<>(resources));
            listener.recovered(report);
            if (!report.committed().isEmpty()
                    || !report.rolledBack().isEmpty()
                    || !report.stillOwed().isEmpty()) {
                log.info("{}", report);
            }
            warnAboutUnregistered(scan.owedToUnregistered());
            return report;
        } finally {
            scanLock.unlock();
        }
    }

    /**
     * After a crash the start-up scan runs before the application has registered its resources,
     * so a resource owed commits but not registered is normal at first (the report says so at
     * INFO). It is warned about at every later scan once it has stayed so for the orphan grace
     * period: by then the application has had its chance to register it (docs/operating.md).
     */
    private void warnAboutUnregistered(Map<String, Integer> owed) {
        long now = clock.millis();
        unregisteredSince.keySet().retainAll(owed.keySet());
        owed.forEach((name, commits) -> {
            Long since = unregisteredSince.putIfAbsent(name, now);
            if (since != null && now - since >= orphanGrace.toMillis()) {
                log.warn(
                        "resource manager '{}' is still not registered {} s after recovery found it owed commits:"
                                + " {} prepared there, holding locks, until it is registered with"
                                + " addRecoveryResource(\"{}\", ...)",
                        name,
                        (now - since) / 1000,
                        Plural.count(commits, "branch", "branches") + (commits == 1 ? " stays" : " stay"),
                        name);
            }
        });
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (Throwable e) { // an uncaught Error would cancel the periodic scans for good
            log.error("recovery scan failed; the next one retries", e);
        }
    }

    /**
     * Tells the resource manager to forget a heuristic outcome and drops it from the log.
     *
     * @return false when no heuristic outcome is recorded for {@code branch}
     * @throws IllegalStateException when the resource manager cannot be reached or refuses
     */
    public boolean forgetHeuristic(Xid branch) {
        AssentXid xid = AssentXid.copyOf(branch);
        scanLock.lock();
        try {
            LogRecord.Heuristic heuristic = ledger.heuristicOf(xid);
            if (heuristic == null) {
                return false;
            }
            String name = heuristic.branch().resourceManagerName();
            Supplier<XAResource> supplier = name == null ? null : resources.get(name);
            if (supplier != null) {
                try {
                    supplier.get().forget(xid);
                } catch (XAException e) {
                    if (e.errorCode != XAException.XAER_NOTA) {
                        throw new IllegalStateException(
                                "resource manager '" + name + "' refused to forget " + xid + " ("
                                        + XaCode.nameOf(e.errorCode) + "); try again once it is reachable",
                                e);
                    }
                }
            }
            transactionLog.append(new LogRecord.HeuristicForgotten(heuristic.transactionId(), xid));
            ledger.forgetHeuristic(xid);
            return true;
        } catch (LogException e) {
            throw new IllegalStateException("could not record that " + xid + " was forgotten: " + e.getMessage(), e);
        } finally {
            scanLock.unlock();
        }
    }

    /** Branches of the current run are rolled back only once seen, not in flight, for the grace period. */
    private final class GraceClock implements RecoveryScan.OrphanClock {
        @Override
        public boolean graceExpired(AssentXid xid) {
            long now = clock.millis();
            long firstSeen = orphansFirstSeen.computeIfAbsent(xid, x -> now);
            return now - firstSeen >= orphanGrace.toMillis();
        }

        @Override
        public void retainOnly(Set<AssentXid> seen) {
            orphansFirstSeen.keySet().retainAll(seen);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        scanLock.lock();
        scanLock.unlock();
    }
}
