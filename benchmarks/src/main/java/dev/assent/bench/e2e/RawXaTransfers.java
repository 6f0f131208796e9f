package dev.assent.bench.e2e;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.postgresql.xa.PGXADataSource;

/**
 * The baseline without a transaction manager: each thread holds one XA connection per database
 * and runs the XA verbs by hand (start, UPDATE, end on each; prepare, prepare; commit, commit),
 * writing no log. What a manager adds on top of this is its overhead.
 */
final class RawXaTransfers implements TransferSystem {
    private static final int FORMAT_ID = 0x52415758; // "RAWX"

    private final PGXADataSource a;
    private final PGXADataSource b;
    private final long run = System.nanoTime();
    private final AtomicLong sequence = new AtomicLong();

    RawXaTransfers(Endpoint a, Endpoint b) {
        this.a = dataSource(a);
        this.b = dataSource(b);
    }

    private static PGXADataSource dataSource(Endpoint endpoint) {
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(endpoint.url());
        ds.setUser(endpoint.user());
        ds.setPassword(endpoint.password());
        return ds;
    }

    @Override
    public Worker worker() throws SQLException {
        Branch first = new Branch(a.getXAConnection(), DEBIT);
        try {
            return new RawWorker(first, new Branch(b.getXAConnection(), CREDIT));
        } catch (SQLException | RuntimeException e) {
            first.close();
            throw e;
        }
    }

    @Override
    public void close() {
        // Nothing shared: every worker closes its own connections.
    }

    private final class RawWorker implements Worker {
        private final Branch debit;
        private final Branch credit;

        RawWorker(Branch debit, Branch credit) {
            this.debit = debit;
            this.credit = credit;
        }

        @Override
        public void transfer(int from, int to, long amount) throws Exception {
            long id = sequence.incrementAndGet();
            Xid xidA = new RawXid(run, id, (byte) 1);
            Xid xidB = new RawXid(run, id, (byte) 2);
            try {
                debit.work(xidA, from, amount);
                credit.work(xidB, to, amount);
                debit.xa.prepare(xidA);
                credit.xa.prepare(xidB);
            } catch (Exception e) {
                debit.rollbackQuietly(xidA, e);
                credit.rollbackQuietly(xidB, e);
                throw e;
            }
            // Both prepared: the decision is commit (a manager would force it to its log here).
            debit.xa.commit(xidA, false);
            credit.xa.commit(xidB, false);
        }

        @Override
        public void close() throws SQLException {
            try {
                debit.close();
            } finally {
                credit.close();
            }
        }
    }

    /** One XA connection with its statement, reused for every transaction of one thread. */
    private static final class Branch {
        final XAConnection connection;
        final XAResource xa;
        final PreparedStatement statement;

        Branch(XAConnection connection, String sql) throws SQLException {
            this.connection = connection;
            try {
                this.xa = connection.getXAResource();
                Connection handle = connection.getConnection();
                this.statement = handle.prepareStatement(sql);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }

        void work(Xid xid, int account, long amount) throws XAException, SQLException {
            xa.start(xid, XAResource.TMNOFLAGS);
            try {
                statement.setLong(1, amount);
                statement.setInt(2, account);
                if (statement.executeUpdate() != 1) {
                    throw new SQLException("no account " + account);
                }
            } finally {
                xa.end(xid, XAResource.TMSUCCESS);
            }
        }

        void rollbackQuietly(Xid xid, Exception cause) {
            try {
                xa.rollback(xid);
            } catch (XAException e) {
                if (e.errorCode != XAException.XAER_NOTA) {
                    cause.addSuppressed(e);
                }
            }
        }

        void close() throws SQLException {
            connection.close();
        }
    }

    /** A branch id: the run and the transaction's number as global id, 1 or 2 as branch qualifier. */
    private static final class RawXid implements Xid {
        private final byte[] global;
        private final byte[] branch;

        RawXid(long run, long id, byte branch) {
            this.global = ByteBuffer.allocate(16).putLong(run).putLong(id).array();
            this.branch = new byte[] {branch};
        }

        @Override
        public int getFormatId() {
            return FORMAT_ID;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return global.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return branch.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RawXid that && Arrays.equals(global, that.global) && Arrays.equals(branch, that.branch);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(global) + Arrays.hashCode(branch);
        }
    }
}
