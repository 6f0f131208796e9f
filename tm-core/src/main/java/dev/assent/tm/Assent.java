package dev.assent.tm;

import dev.assent.tm.internal.log.LogStorage;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/**
 * The entry point: {@code Assent.configure().nodeId("node-a").build()} returns a running
 * {@link AssentTransactionManager}.
 */
public final class Assent {
    private Assent() {}

    /** Starts a configuration with the defaults documented on each builder method. */
    public static Builder configure() {
        return new Builder();
    }

    /** Collects settings; {@link #build()} validates them all at once. Not thread-safe. */
    public static final class Builder {
        private String nodeId;
        private Path logDirectory = Path.of("assent-log");
        private boolean inMemoryLog;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private int parallelism = 1;
        private Duration timeoutCheckInterval = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();
        private final List<TransactionListener> listeners = new ArrayList<>();
        private Duration recoveryInterval = Duration.ofSeconds(30);
        private Duration orphanGracePeriod = Duration.ofSeconds(60);
        private final Map<String, Supplier<XAResource>> recoveryResources = new LinkedHashMap<>();
        private LogStorage logStorage = LogStorage.fileSystem();

        private Builder() {}

        /** The seam through which tests make the log's disk fail (CONTRIBUTING.md rule 11); not public API. */
        Builder logStorage(LogStorage storage) {
            this.logStorage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** Required: this manager's name (printable ASCII, at most 28 bytes), unique per log. */
        public Builder nodeId(String nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** Where the transaction log lives; default {@code ./assent-log}. */
        public Builder logDirectory(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
            return this;
        }

        /**
         * Keeps the transaction log in memory: commit decisions do not survive a crash, so a
         * crash between prepare and commit leaves branches for a human to resolve: recovery in a
         * later run lists them in its report and neither commits nor rolls them back (it cannot
         * tell a committed transaction's branch from an aborted one's). For tests and for
         * measuring the coordinator alone.
         */
        public Builder inMemoryLog() {
            this.inMemoryLog = true;
            return this;
        }

        /** Timeout of a transaction whose thread did not call setTransactionTimeout; default 60 s. */
        public Builder defaultTimeout(Duration defaultTimeout) {
            this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            return this;
        }

        /**
         * Prepares and commits the branches of one transaction on up to {@code threads} threads at
         * once; default 1 (one after the other). Worth it when resources are remote databases.
         */
        public Builder parallelCompletion(int threads) {
            this.parallelism = threads;
            return this;
        }

        /** How often the timeout reaper runs; default 100 ms. */
        public Builder timeoutCheckInterval(Duration interval) {
            this.timeoutCheckInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** The clock timeouts are measured with; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds an observer of every transaction (metrics, tests). */
        public Builder listener(TransactionListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Time between background recovery scans; default 30 s; zero scans only on demand. */
        public Builder recoveryInterval(Duration interval) {
            this.recoveryInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * How long recovery leaves a prepared branch of this run alone when no transaction is in
         * flight for it and no commit decision names it; default 60 s. Branches of earlier runs
         * (the process died) are rolled back at the first scan without waiting.
         */
        public Builder orphanGracePeriod(Duration grace) {
            this.orphanGracePeriod = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /** Registers a resource manager for recovery before the first scan (see addRecoveryResource). */
        public Builder recoveryResource(String name, Supplier<XAResource> supplier) {
            if (recoveryResources.putIfAbsent(name, Objects.requireNonNull(supplier, "supplier")) != null) {
                throw new IllegalArgumentException("a recovery resource named '" + name + "' is already registered");
            }
            return this;
        }

        /**
         * Validates the settings and starts the transaction manager.
         *
         * @throws IllegalArgumentException naming the first setting that is wrong and how to fix it
         */
        public AssentTransactionManager build() {
            XidFactory.validNodeId(nodeId);
            if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
                throw new IllegalArgumentException("defaultTimeout must be positive, got " + defaultTimeout);
            }
            if (defaultTimeout.toSeconds() > Integer.MAX_VALUE || defaultTimeout.toSeconds() < 1) {
                throw new IllegalArgumentException("defaultTimeout must be between 1 second and " + Integer.MAX_VALUE
                        + " seconds, got " + defaultTimeout);
            }
            if (parallelism < 1 || parallelism > 1024) {
                throw new IllegalArgumentException("parallelCompletion takes 1 to 1024 threads, got " + parallelism);
            }
            if (timeoutCheckInterval.isNegative() || timeoutCheckInterval.isZero()) {
                throw new IllegalArgumentException(
                        "timeoutCheckInterval must be positive, got " + timeoutCheckInterval);
            }
            if (recoveryInterval.isNegative() || orphanGracePeriod.isNegative()) {
                throw new IllegalArgumentException("recoveryInterval and orphanGracePeriod cannot be negative");
            }
            AssentConfig config = new AssentConfig(
                    nodeId,
                    logDirectory,
                    inMemoryLog,
                    defaultTimeout,
                    parallelism,
                    timeoutCheckInterval,
                    clock,
                    listeners,
                    recoveryInterval,
                    orphanGracePeriod,
                    recoveryResources);
            return new AssentTransactionManager(config, logStorage);
        }
    }
}
