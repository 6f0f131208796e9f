package dev.assent.tm;

import dev.assent.tm.internal.coordinator.Coordinator;
import dev.assent.tm.internal.coordinator.Listeners;
import dev.assent.tm.internal.log.FileLogOptions;
import dev.assent.tm.internal.log.FileTransactionLog;
import dev.assent.tm.internal.log.InMemoryTransactionLog;
import dev.assent.tm.internal.log.Incarnations;
import dev.assent.tm.internal.log.LogStorage;
import dev.assent.tm.internal.log.OpenReport;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.recovery.RecoveryLedger;
import dev.assent.tm.internal.recovery.RecoveryManager;
import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.ThreadAssociation;
import dev.assent.tm.internal.tx.TransactionImpl;
import dev.assent.tm.internal.tx.XidFactory;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jakarta Transactions 2.0 transaction manager coordinating XA resources with two-phase
 * commit. Created by {@link Assent#configure()}; thread-safe; several may run in one JVM.
 *
 * <p>Guarantees: every branch of a transaction ends the same way; one branch commits in one
 * phase without touching the log; a two-phase commit forces one decision record before any
 * branch commits; heuristic outcomes always reach the caller as HeuristicMixedException or
 * HeuristicRollbackException with the resources' XAExceptions attached.
 */
public final class AssentTransactionManager implements TransactionManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssentTransactionManager.class);

    private final AssentConfig config;
    private final TransactionLog transactionLog;
    private final ThreadAssociation association = new ThreadAssociation();
    private final Coordinator coordinator;
    private final RecoveryManager recovery;
    private final UserTransaction userTransaction;
    private final TransactionSynchronizationRegistry synchronizationRegistry;
    private final AtomicBoolean closed = new AtomicBoolean();

    AssentTransactionManager(AssentConfig config, LogStorage logStorage) {
        this.config = config;
        Listeners listeners = new Listeners(config.listeners());
        this.transactionLog = openLog(config, listeners, logStorage);
        XidFactory xids = new XidFactory(config.nodeId(), transactionLog.incarnation());
        RecoveryLedger ledger = new RecoveryLedger();
        transactionLog.replay(ledger::replay);
        Map<AssentXid, TransactionImpl> inFlight = new ConcurrentHashMap<>();
        this.recovery = new RecoveryManager(
                ledger,
                transactionLog,
                xids,
                inFlight::containsKey,
                config.clock(),
                config.orphanGracePeriod(),
                listeners);
        this.coordinator = new Coordinator(
                transactionLog,
                ledger,
                recovery::nameOf,
                listeners,
                xids,
                config.clock(),
                association,
                inFlight,
                config.parallelism(),
                config.timeoutCheckInterval());
        this.userTransaction = new AssentUserTransaction(this);
        this.synchronizationRegistry = new AssentSynchronizationRegistry(association);
        config.recoveryResources().forEach(recovery::register);
        try {
            recovery.scan();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        recovery.scheduleEvery(config.recoveryInterval());
    }

    private static TransactionLog openLog(AssentConfig config, Listeners listeners, LogStorage logStorage) {
        if (config.inMemoryLog()) {
            // Drawn at random like a durable log's run, so its Xids differ from every other run's.
            return new InMemoryTransactionLog(Incarnations.draw(new SecureRandom(), List.of()));
        }
        FileTransactionLog log = FileTransactionLog.open(
                config.logDirectory(),
                config.nodeId(),
                FileLogOptions.defaults().withListener(listeners).withStorage(logStorage));
        OpenReport report = log.openReport();
        report.tornTail()
                .ifPresent(torn -> LOG.warn(
                        "the transaction log ended in a record a crash left half"
                                + " written; cut {} at offset {} of {} ({}); no committer had been told it was durable",
                        Plural.count(torn.bytesCut(), "byte"),
                        torn.offset(),
                        torn.file(),
                        torn.problem()));
        LOG.info(
                "transaction log {} opened: incarnation {} ({}), {} read, {} still to finish",
                config.logDirectory().toAbsolutePath().normalize(),
                Incarnations.name(report.incarnation()),
                report.earlierRunsRecorded() == 0
                        ? "a new log"
                        : Plural.count(report.earlierRunsRecorded(), "earlier run") + " on record",
                Plural.count(report.segmentsRead(), "segment"),
                Plural.count(report.liveRecords(), "record"));
        return log;
    }

    /** The configuration this manager runs with. */
    public AssentConfig config() {
        return config;
    }

    /** A UserTransaction bound to this manager, for application code. */
    public UserTransaction userTransaction() {
        return userTransaction;
    }

    /** The TransactionSynchronizationRegistry of this manager, for frameworks (JPA, CDI). */
    public TransactionSynchronizationRegistry synchronizationRegistry() {
        return synchronizationRegistry;
    }

    /**
     * Registers a resource manager that recovery must be able to reach after a crash. The name is
     * the one its branches are logged under ({@link dev.assent.tm.spi.NamedXAResource}); the
     * supplier is called at each scan and may open a new connection each time. A scan of the new
     * resource starts at once in the background, so branches a crashed run left prepared there are
     * resolved without waiting for the next period.
     *
     * @throws IllegalArgumentException when the name is blank or already registered
     */
    public void addRecoveryResource(String name, Supplier<XAResource> supplier) {
        recovery.addResource(name, Objects.requireNonNull(supplier, "supplier"));
    }

    /**
     * Unregisters a recovery resource (its data source is closing). Branches it still owes stay in
     * the log and are reported as owed by every scan until a resource of that name is registered
     * again.
     *
     * @return false when no resource of that name was registered
     */
    public boolean removeRecoveryResource(String name) {
        return recovery.removeResource(name);
    }

    /**
     * Runs one recovery scan now, synchronously, over every registered resource: commits the
     * branches of logged commit decisions, rolls back this node's orphans, leaves everything else
     * alone. Idempotent: a second scan right after finds nothing to do.
     */
    public RecoveryReport recover() {
        return recovery.scan();
    }

    /** Heuristic outcomes waiting for an operator, oldest first. */
    public List<HeuristicOutcome> heuristics() {
        return recover().heuristics();
    }

    /**
     * Acknowledges a heuristic outcome: the resource manager is told to forget it and the record
     * leaves the log.
     *
     * @return false when no heuristic outcome is recorded for that branch
     * @throws IllegalStateException when the resource manager cannot be reached or refuses
     */
    public boolean forgetHeuristic(Xid branch) {
        return recovery.forgetHeuristic(branch);
    }

    /** Transactions begun and not yet completed (including those whose thread forgot them). */
    public int inFlightCount() {
        return coordinator.inFlight().size();
    }

    /** Transactions the timeout reaper is watching. */
    int awaitingTimeoutCount() {
        return coordinator.awaitingTimeout();
    }

    /**
     * Starts a transaction and associates it with the calling thread.
     *
     * @throws NotSupportedException when the thread already has a transaction (no nesting)
     */
    @Override
    public void begin() throws NotSupportedException, SystemException {
        requireOpen();
        TransactionImpl current = association.current();
        if (current != null && current.state().isFinal()) {
            // The reaper ended it behind the application's back; the application must still hear
            // about it from its own commit() or rollback() (Narayana refuses begin() here too).
            throw new NotSupportedException("the thread's transaction " + current.transactionId() + " is already "
                    + (current.timedOut() ? "rolled back after its timeout" : "completed")
                    + "; call commit() or rollback() to end it before beginning another");
        }
        if (current != null) {
            throw new NotSupportedException("the thread already works in " + current.transactionId()
                    + "; nested transactions are not supported (suspend it first)");
        }
        int seconds = association.timeoutSeconds();
        if (seconds == 0) {
            seconds = (int) config.defaultTimeout().toSeconds();
        }
        association.associate(coordinator.begin(seconds));
    }

    @Override
    public void commit()
            throws RollbackException, HeuristicMixedException, HeuristicRollbackException, SecurityException,
                    IllegalStateException, SystemException {
        requireCurrent("commit").commit();
    }

    @Override
    public void rollback() throws IllegalStateException, SecurityException, SystemException {
        requireCurrent("roll back").rollback();
    }

    @Override
    public void setRollbackOnly() throws IllegalStateException, SystemException {
        requireCurrent("mark rollback-only").setRollbackOnly();
    }

    @Override
    public int getStatus() {
        TransactionImpl current = association.current();
        return current == null ? Status.STATUS_NO_TRANSACTION : current.getStatus();
    }

    @Override
    public Transaction getTransaction() {
        return association.current();
    }

    /**
     * Sets the timeout of transactions the calling thread begins from now on.
     *
     * @param seconds a positive number of seconds, or 0 for the configured default
     * @throws SystemException when {@code seconds} is negative
     */
    @Override
    public void setTransactionTimeout(int seconds) throws SystemException {
        if (seconds < 0) {
            throw new SystemException("a transaction timeout cannot be negative: " + seconds);
        }
        association.timeoutSeconds(seconds);
    }

    @Override
    public Transaction suspend() {
        TransactionImpl current = association.current();
        association.disassociate();
        return current;
    }

    /**
     * Associates the calling thread with a suspended transaction; {@code null} leaves the thread
     * without one (the common {@code resume(suspend())} idiom when there was none).
     *
     * @throws InvalidTransactionException when the handle is not one of this manager's live
     *     transactions
     * @throws IllegalStateException when the thread already has a transaction
     */
    @Override
    public void resume(Transaction transaction) throws InvalidTransactionException, IllegalStateException {
        TransactionImpl current = association.current();
        if (current != null) {
            throw new IllegalStateException("the thread already works in " + current.transactionId()
                    + "; suspend it before resuming another transaction");
        }
        if (transaction == null) {
            return;
        }
        if (!(transaction instanceof TransactionImpl tx)
                || coordinator.inFlight().get(tx.transactionId()) != tx) {
            throw new InvalidTransactionException(
                    "cannot resume " + transaction + ": it is not a live transaction of this transaction manager");
        }
        association.associate(tx);
    }

    private TransactionImpl requireCurrent(String action) {
        TransactionImpl current = association.current();
        if (current == null) {
            throw new IllegalStateException("cannot " + action + ": the thread has no transaction");
        }
        return current;
    }

    private void requireOpen() throws SystemException {
        if (closed.get()) {
            throw new SystemException("the transaction manager " + config.nodeId() + " is closed");
        }
    }

    /** Stops the timeout reaper and the phase threads, then closes the log. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                recovery.close();
                coordinator.close();
            } finally {
                transactionLog.close();
            }
        }
    }
}
