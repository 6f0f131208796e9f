package dev.assent.bench.managers;

import dev.assent.bench.NoOpXAResource;
import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.NamedXAResource;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** Assent through its public builder, with the durable file log or the in-memory one. */
final class AssentManager implements ManagerUnderTest {
    private final String id;
    private final AssentTransactionManager tm;

    private AssentManager(String id, AssentTransactionManager tm) {
        this.id = id;
        this.tm = tm;
    }

    static AssentManager fileLog(String id, Path logDirectory) {
        return new AssentManager(
                id,
                Assent.configure().nodeId("bench").logDirectory(logDirectory).build());
    }

    static AssentManager inMemoryLog(String id) {
        return new AssentManager(
                id, Assent.configure().nodeId("bench").inMemoryLog().build());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransactionManager transactionManager() {
        return tm;
    }

    /** Assent's adapters name their resource manager (the name recovery looks resources up by). */
    @Override
    public XAResource enlistable(NoOpXAResource resource) {
        return new Named(resource);
    }

    @Override
    public void close() {
        tm.close();
    }

    /** A delegating {@link NamedXAResource}, as xa-adapters' pooled connections are. */
    private record Named(NoOpXAResource delegate) implements NamedXAResource {
        @Override
        public String resourceManagerName() {
            return delegate.resourceManager();
        }

        @Override
        public void start(Xid xid, int flags) {
            delegate.start(xid, flags);
        }

        @Override
        public void end(Xid xid, int flags) {
            delegate.end(xid, flags);
        }

        @Override
        public int prepare(Xid xid) {
            return delegate.prepare(xid);
        }

        @Override
        public void commit(Xid xid, boolean onePhase) {
            delegate.commit(xid, onePhase);
        }

        @Override
        public void rollback(Xid xid) {
            delegate.rollback(xid);
        }

        @Override
        public void forget(Xid xid) {
            delegate.forget(xid);
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            return delegate.recover(flag);
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other instanceof Named that && delegate.isSameRM(that.delegate);
        }

        @Override
        public int getTransactionTimeout() {
            return delegate.getTransactionTimeout();
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return delegate.setTransactionTimeout(seconds);
        }
    }
}
