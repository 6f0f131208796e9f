package dev.assent.xa;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.internal.AssentTransactionIntegration;
import dev.assent.xa.internal.RecoveryResource;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.DatabaseTarget;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.AgroalDataSourceMetrics;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.agroal.api.transaction.TransactionIntegration.ResourceRecoveryFactory;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.Transaction;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A pooled DataSource of one database whose connections take part in the transactions of an
 * {@link AssentTransactionManager}. Built by {@link AssentDataSources}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>A connection taken while the thread has a transaction is enlisted in it as one XA branch
 *       named after this DataSource; every further getConnection() in that transaction returns the
 *       same physical connection, and it goes back to the pool when the transaction completes
 *       (closing the handle earlier only ends the handle).
 *   <li>Outside a transaction a connection is an ordinary auto-commit connection.
 *   <li>In a transaction that was rolled back (for instance by its timeout) getConnection() fails
 *       with SQLState 40000 until the thread ends the transaction; a connection the application
 *       still holds when the timeout rolls its transaction back is closed under it, so no late
 *       statement can run (let alone auto-commit) outside the transaction.
 *   <li>A connection whose XA state is uncertain after a failure is destroyed, never pooled again.
 *   <li>The database is registered for recovery under this DataSource's name: after a crash, the
 *       transaction manager commits or rolls back what is left prepared there.
 * </ul>
 *
 * <p>Thread-safe. Closing it closes the pool and the recovery connection; the transaction manager
 * keeps the name registered (it cannot unregister one) and reports the database unreachable until
 * the manager is closed.
 */
public final class AssentDataSource implements DataSource, AutoCloseable {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(AssentDataSource.class);

    private final String name;
    private final AgroalDataSource pool;
    private final RecoveryResource recovery;
    private final DataSourceBuilder.Settings settings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AssentDataSource(
            String name, AgroalDataSource pool, RecoveryResource recovery, DataSourceBuilder.Settings settings) {
        this.name = name;
        this.pool = pool;
        this.recovery = recovery;
        this.settings = settings;
    }

    static AssentDataSource start(
            AssentTransactionManager tm, DatabaseProfile profile, DataSourceBuilder.Settings settings) {
        DatabaseTarget target =
                new DatabaseTarget(settings.name(), settings.where(), settings.user(), settings.maxPoolSize());
        AssentTransactionIntegration integration =
                new AssentTransactionIntegration(tm, tm.synchronizationRegistry(), settings.name(), profile);
        AgroalDataSource pool;
        try {
            pool = AgroalDataSource.from(
                    configuration(profile, settings, integration), new PoolListener(settings.name()));
        } catch (SQLException | RuntimeException e) {
            throw new DatabaseNotReadyException(
                    "DataSource '" + settings.name() + "' cannot start its pool of " + profile.xaDataSourceClassName()
                            + ": " + e.getMessage()
                            + (profile.xaDataSourceClassName().contains(".")
                                    ? " (is the driver on the class path?)"
                                    : ""),
                    e);
        }
        ResourceRecoveryFactory factory = integration.recoveryFactory();
        if (factory == null) {
            pool.close();
            throw new IllegalStateException(
                    "DataSource '" + settings.name() + "': the pool offered no recovery connections");
        }
        RecoveryResource recovery = new RecoveryResource(target, profile, factory::getRecoveryConnection);
        try {
            checkLogin(tm, pool, profile, target);
            recovery.checkReady();
            tm.addRecoveryResource(settings.name(), () -> recovery);
        } catch (IllegalArgumentException e) {
            closeQuietly(pool, recovery);
            throw new IllegalStateException(
                    "DataSource '" + settings.name() + "': " + e.getMessage()
                            + "; each DataSource of one transaction manager needs its own name",
                    e);
        } catch (RuntimeException e) {
            closeQuietly(pool, recovery);
            throw e;
        }
        log.info(
                "DataSource '{}' ready: {} at {}, up to {} connections",
                settings.name(),
                profile.product(),
                target.url(),
                settings.maxPoolSize());
        return new AssentDataSource(settings.name(), pool, recovery, settings);
    }

    private static boolean isMissingClass(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
                return true;
            }
        }
        return false;
    }

    private static AgroalDataSourceConfigurationSupplier configuration(
            DatabaseProfile profile, DataSourceBuilder.Settings s, AssentTransactionIntegration integration) {
        return new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true)
                .connectionPoolConfiguration(pool -> pool.maxSize(s.maxPoolSize())
                        .minSize(s.minPoolSize())
                        .initialSize(s.minPoolSize())
                        .acquisitionTimeout(s.acquisitionTimeout())
                        .transactionIntegration(integration)
                        .exceptionSorter(profile::isFatal)
                        .connectionValidator(ConnectionValidator.defaultValidator())
                        .idleValidationTimeout(s.idleValidation())
                        .connectionFactoryConfiguration(factory -> connectionFactory(factory, profile, s)));
    }

    private static AgroalConnectionFactoryConfigurationSupplier connectionFactory(
            AgroalConnectionFactoryConfigurationSupplier factory,
            DatabaseProfile profile,
            DataSourceBuilder.Settings s) {
        factory.connectionProviderClassName(profile.xaDataSourceClassName())
                .loginTimeout(s.loginTimeout())
                // Recovery gets connections of its own, never one of the pool's.
                .poolRecovery(false);
        if (s.url() != null) {
            factory.jdbcUrl(s.url());
        }
        if (s.user() != null) {
            factory.principal(new NamePrincipal(s.user()));
        }
        if (s.password() != null) {
            factory.credential(new SimplePassword(s.password()));
        }
        if (s.recoveryUser() != null) {
            factory.recoveryPrincipal(new NamePrincipal(s.recoveryUser()));
            if (s.recoveryPassword() != null) {
                factory.recoveryCredential(new SimplePassword(s.recoveryPassword()));
            }
        }
        s.properties().forEach(factory::jdbcProperty);
        return factory;
    }

    /** Opens one pooled connection outside any transaction: the application's login works. */
    private static void checkLogin(
            AssentTransactionManager tm, AgroalDataSource pool, DatabaseProfile profile, DatabaseTarget target) {
        Transaction suspended = tm.suspend();
        try (Connection connection = pool.getConnection()) {
            connection.isValid(1);
        } catch (SQLException e) {
            throw new DatabaseNotReadyException(profile.explainConnectFailure(target, e), e);
        } finally {
            resume(tm, suspended);
        }
    }

    private static void resume(AssentTransactionManager tm, Transaction suspended) {
        if (suspended != null) {
            try {
                tm.resume(suspended);
            } catch (InvalidTransactionException e) {
                throw new IllegalStateException("could not resume the caller's transaction after the checks", e);
            }
        }
    }

    private static void closeQuietly(AgroalDataSource pool, RecoveryResource recovery) {
        recovery.close();
        pool.close();
    }

    /** The XAResource registered for recovery (tests drive it directly). */
    RecoveryResource recoveryResource() {
        return recovery;
    }

    /** The resource manager name of this database. */
    public String name() {
        return name;
    }

    /** A snapshot of the pool: connections in use, idle, the maximum, threads waiting. */
    public PoolStatus status() {
        AgroalDataSourceMetrics metrics = pool.getMetrics();
        return new PoolStatus(
                metrics.activeCount(), metrics.availableCount(), settings.maxPoolSize(), metrics.awaitingCount());
    }

    /**
     * A connection; inside a transaction, the transaction's own connection of this database.
     *
     * @throws SQLTransientConnectionException (SQLState HYT00) when every connection stayed in use
     *     for the whole acquisition timeout
     * @throws SQLException with SQLState 40000 when the thread's transaction was rolled back
     */
    @Override
    public Connection getConnection() throws SQLException {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw explained(e);
        }
    }

    /** As {@link #getConnection()}, logging in as another user (outside transactions only, by the pool's rules). */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return pool.getConnection(username, password);
        } catch (SQLException e) {
            throw explained(e);
        }
    }

    private SQLException explained(SQLException e) {
        if (closed.get()) {
            return new SQLException("DataSource '" + name + "' is closed", "08003", e);
        }
        if (isExhaustion(e)) {
            return new SQLTransientConnectionException(
                    "DataSource '" + name + "' has no free connection: all " + settings.maxPoolSize()
                            + " stayed in use for "
                            + settings.acquisitionTimeout().toMillis()
                            + " ms; close connections (and end transactions) sooner or raise maxPoolSize",
                    "HYT00",
                    e);
        }
        return e;
    }

    /** Agroal 3 reports a timed-out wait with this message and no cause. */
    private boolean isExhaustion(SQLException e) {
        String message = e.getMessage();
        return e.getCause() == null
                && message != null
                && message.toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Assent logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("DataSource '" + name + "' does not wrap a " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    /**
     * Closes the pool (connections still in use are closed too) and the recovery connection.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(pool, recovery);
        }
    }

    @Override
    public String toString() {
        return "AssentDataSource[" + name + "]";
    }

    /** Agroal's warnings reach the log under the DataSource's name. */
    private static final class PoolListener implements AgroalDataSourceListener {
        private final String name;

        PoolListener(String name) {
            this.name = name;
        }

        @Override
        public void onWarning(String message) {
            log.warn("DataSource '{}': {}", name, message);
        }

        @Override
        public void onWarning(Throwable throwable) {
            log.warn("DataSource '{}': {}", name, throwable.toString());
        }
    }
}
