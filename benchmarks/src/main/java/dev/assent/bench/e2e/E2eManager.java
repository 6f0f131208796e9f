package dev.assent.bench.e2e;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import com.atomikos.jdbc.AtomikosDataSourceBean;
import dev.assent.bench.managers.Manager;
import dev.assent.bench.managers.ManagerUnderTest;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.AssentDataSource;
import dev.assent.xa.AssentDataSources;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.agroal.narayana.NarayanaTransactionIntegration;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.xa.PGXADataSource;

/**
 * The systems the transfer benchmark compares: each manager with the pool it is usually deployed
 * with, and the raw XA baseline. Narayana and Atomikos are JVM-wide singletons: one per JVM.
 */
public enum E2eManager {
    ASSENT("assent", "Assent + xa-adapters (Agroal)", "Assent file log (defaults), AssentDataSources.postgres(tm)"),
    NARAYANA_JOURNAL(
            "narayana-journal",
            "Narayana 7.3.4 + Agroal 3.2.1 (journal store)",
            "the coordinator benchmark's journal store; agroal-pool with NarayanaTransactionIntegration"),
    NARAYANA_SHADOW(
            "narayana-shadow",
            "Narayana 7.3.4 + Agroal 3.2.1 (default store)",
            "ShadowNoFileLockStore; agroal-pool with NarayanaTransactionIntegration"),
    ATOMIKOS(
            "atomikos",
            "Atomikos 6.0.0 + AtomikosDataSourceBean",
            "file log as in the coordinator benchmark; AtomikosDataSourceBean over PGXADataSource"),
    RAW_XA(
            "raw-xa",
            "raw XA, no manager (baseline)",
            "one PGXADataSource connection per thread and database; start/end, prepare, prepare, commit,"
                    + " commit by hand; no log");

    private final String id;
    private final String description;
    private final String settings;

    E2eManager(String id, String description, String settings) {
        this.id = id;
        this.description = description;
        this.settings = settings;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public String settings() {
        return settings;
    }

    public static Optional<E2eManager> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    /**
     * Starts this system over both databases, with its log (if any) under {@code logDirectory} and
     * pools of up to {@code poolSize} connections per database.
     */
    public TransferSystem start(Path logDirectory, Endpoint a, Endpoint b, int poolSize) throws Exception {
        return switch (this) {
            case ASSENT -> assent(logDirectory, a, b, poolSize);
            case NARAYANA_JOURNAL -> narayana(Manager.NARAYANA_JOURNAL, logDirectory, a, b, poolSize);
            case NARAYANA_SHADOW -> narayana(Manager.NARAYANA_SHADOW, logDirectory, a, b, poolSize);
            case ATOMIKOS -> atomikos(logDirectory, a, b, poolSize);
            case RAW_XA -> new RawXaTransfers(a, b);
        };
    }

    private static TransferSystem assent(Path logDirectory, Endpoint a, Endpoint b, int poolSize) throws Exception {
        ManagerUnderTest manager = Manager.ASSENT_FILE.start(logDirectory);
        try {
            AssentTransactionManager tm = (AssentTransactionManager) manager.transactionManager();
            AssentDataSource dsA = assentPool(tm, "bank-a", a, poolSize);
            try {
                AssentDataSource dsB = assentPool(tm, "bank-b", b, poolSize);
                return new PooledTransfers(tm, dsA, dsB, List.of(dsA::close, dsB::close, manager::close));
            } catch (RuntimeException e) {
                dsA.close();
                throw e;
            }
        } catch (Exception e) {
            manager.close();
            throw e;
        }
    }

    private static AssentDataSource assentPool(AssentTransactionManager tm, String name, Endpoint db, int poolSize) {
        return AssentDataSources.postgres(tm)
                .name(name)
                .url(db.url())
                .user(db.user())
                .password(db.password())
                .maxPoolSize(poolSize)
                .build();
    }

    private static TransferSystem narayana(Manager store, Path logDirectory, Endpoint a, Endpoint b, int poolSize)
            throws Exception {
        ManagerUnderTest manager = store.start(logDirectory);
        try {
            TransactionManager tm = manager.transactionManager();
            // One integration per pool: each keys the connection it enlisted in the transaction's
            // registry by an object of its own, so a shared one would hand pool A's connection to B.
            TransactionSynchronizationRegistry registry = new TransactionSynchronizationRegistryImple();
            AgroalDataSource dsA = agroalPool(new NarayanaTransactionIntegration(tm, registry), a, poolSize);
            try {
                AgroalDataSource dsB = agroalPool(new NarayanaTransactionIntegration(tm, registry), b, poolSize);
                return new PooledTransfers(tm, dsA, dsB, List.of(dsA::close, dsB::close, manager::close));
            } catch (SQLException | RuntimeException e) {
                dsA.close();
                throw e;
            }
        } catch (Exception e) {
            manager.close();
            throw e;
        }
    }

    private static AgroalDataSource agroalPool(NarayanaTransactionIntegration integration, Endpoint db, int poolSize)
            throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(poolSize)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .transactionIntegration(integration)
                        .connectionFactoryConfiguration(factory -> factory.connectionProviderClass(PGXADataSource.class)
                                .jdbcUrl(db.url())
                                .principal(new NamePrincipal(db.user()))
                                .credential(new SimplePassword(db.password())))));
    }

    private static TransferSystem atomikos(Path logDirectory, Endpoint a, Endpoint b, int poolSize) throws Exception {
        ManagerUnderTest manager = Manager.ATOMIKOS.start(logDirectory);
        try {
            AtomikosDataSourceBean dsA = atomikosPool("bank-a", a, poolSize);
            try {
                AtomikosDataSourceBean dsB = atomikosPool("bank-b", b, poolSize);
                return new PooledTransfers(
                        manager.transactionManager(), dsA, dsB, List.of(dsA::close, dsB::close, manager::close));
            } catch (Exception e) {
                dsA.close();
                throw e;
            }
        } catch (Exception e) {
            manager.close();
            throw e;
        }
    }

    private static AtomikosDataSourceBean atomikosPool(String name, Endpoint db, int poolSize) throws SQLException {
        AtomikosDataSourceBean ds = new AtomikosDataSourceBean();
        ds.setUniqueResourceName(name);
        ds.setXaDataSourceClassName(PGXADataSource.class.getName());
        Properties properties = new Properties();
        properties.setProperty("url", db.url());
        properties.setProperty("user", db.user());
        properties.setProperty("password", db.password());
        ds.setXaProperties(properties);
        ds.setMinPoolSize(1);
        ds.setMaxPoolSize(poolSize);
        ds.setBorrowConnectionTimeout(10);
        ds.init();
        return ds;
    }
}
