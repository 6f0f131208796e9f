package dev.assent.bench.managers;

import com.atomikos.datasource.xa.XATransactionalResource;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.jta.UserTransactionManager;
import dev.assent.bench.NoOpXAResource;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.List;
import javax.transaction.xa.XAResource;

/** Atomikos (JVM-wide singleton: one per JVM) with its file log in the given directory. */
final class AtomikosManager implements ManagerUnderTest {
    /** The resource managers the benchmark enlists; Atomikos 6 enlists only registered ones. */
    private static final List<String> RESOURCE_MANAGERS = List.of("rm-a", "rm-b");

    private final String id;
    private final UserTransactionManager tm;

    private AtomikosManager(String id, UserTransactionManager tm) {
        this.id = id;
        this.tm = tm;
    }

    static AtomikosManager start(String id, Path directory) throws SystemException {
        // Atomikos reads its settings from system properties (over jta.properties) when it starts.
        System.setProperty("com.atomikos.icatch.tm_unique_name", "bench");
        System.setProperty("com.atomikos.icatch.enable_logging", "true");
        System.setProperty("com.atomikos.icatch.log_base_dir", directory.toString());
        System.setProperty("com.atomikos.icatch.log_base_name", "tmlog");
        // The default (50 concurrent transactions) would refuse begin() beyond 50 threads.
        System.setProperty("com.atomikos.icatch.max_actives", "100000");
        System.setProperty("com.atomikos.icatch.registered", "true");
        UserTransactionManager tm = new UserTransactionManager();
        tm.setForceShutdown(true);
        tm.init();
        // What Atomikos' own DataSource beans do at init: register the resource for recovery. An
        // unregistered XAResource is refused at enlistment.
        RESOURCE_MANAGERS.forEach(name -> Configuration.addResource(new NoOpResource(name)));
        return new AtomikosManager(id, tm);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransactionManager transactionManager() {
        return tm;
    }

    @Override
    public void close() {
        RESOURCE_MANAGERS.forEach(Configuration::removeResource);
        tm.close();
    }

    /** A recoverable resource whose "connection" for recovery scans is a fresh no-op resource. */
    private static final class NoOpResource extends XATransactionalResource {
        NoOpResource(String resourceManager) {
            super(resourceManager);
        }

        @Override
        protected XAResource refreshXAConnection() {
            return new NoOpXAResource(getName());
        }
    }
}
