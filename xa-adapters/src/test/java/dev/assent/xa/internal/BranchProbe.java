package dev.assent.xa.internal;

import dev.assent.xa.profile.DatabaseProfile;
import io.agroal.api.transaction.TransactionAware;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;

/**
 * Builds the adapter's enlisted branch around a bare driver connection, without a pool, so that
 * tests can drive XA verbs the pool never sends by itself (delist with TMSUSPEND, then resume).
 */
public final class BranchProbe {
    private BranchProbe() {}

    /** What the branch asked of its (pretend) pooled connection. */
    public static final class Calls implements TransactionAware {
        public final List<String> calls = new CopyOnWriteArrayList<>();
        private final Connection connection;

        public Calls(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void transactionStart() {
            calls.add("transactionStart");
        }

        @Override
        public void transactionBeforeCompletion(boolean successful) {
            calls.add("beforeCompletion(" + successful + ")");
        }

        @Override
        public void transactionCommit() {
            calls.add("transactionCommit");
        }

        @Override
        public void transactionRollback() {
            calls.add("transactionRollback");
        }

        @Override
        public void transactionEnd() {
            calls.add("transactionEnd");
        }

        @Override
        public void transactionCheckCallback(SQLCallable<Boolean> transactionCheck) {
            calls.add("checkCallback");
        }

        @Override
        public Object getConnection() {
            return connection;
        }

        @Override
        public void setFlushOnly() {
            calls.add("setFlushOnly");
        }
    }

    /** The branch as an XAResource, and the record of what it asked of the connection. */
    public record Probe(XAResource branch, Calls calls) {}

    public static Probe around(String name, XAConnection connection, DatabaseProfile profile)
            throws java.sql.SQLException {
        Calls calls = new Calls(connection.getConnection());
        EnlistedBranch branch = new EnlistedBranch(name, calls, connection.getXAResource(), profile, new ReturnGuard());
        return new Probe(branch, calls);
    }
}
