package dev.assent.bench.managers;

import dev.assent.bench.NoOpXAResource;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import javax.transaction.xa.XAResource;

/** One transaction manager, started with its durable log in a directory of its own. */
public interface ManagerUnderTest extends AutoCloseable {

    /** The manager's {@link Manager} id, as in results. */
    String id();

    TransactionManager transactionManager();

    /**
     * The resource as this manager's integration layer would enlist it: some managers want a named
     * wrapper (Geronimo logs each branch's resource name), the others take it as it is.
     */
    default XAResource enlistable(NoOpXAResource resource) {
        return resource;
    }

    /**
     * Stops the manager and closes its log; the caller deletes the directory afterwards.
     *
     * @throws IOException if the log does not close cleanly
     */
    @Override
    void close() throws IOException;
}
