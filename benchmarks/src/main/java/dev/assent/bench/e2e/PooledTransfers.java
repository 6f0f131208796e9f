package dev.assent.bench.e2e;

import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The application's view: a JTA transaction manager and one pooled, transaction-aware DataSource
 * per database. Each transfer is begin, a connection from each pool, one UPDATE on each, commit.
 */
final class PooledTransfers implements TransferSystem {
    private final TransactionManager tm;
    private final DataSource a;
    private final DataSource b;
    private final List<Part> resources;

    /** {@code resources} are closed in order by {@link #close()} (pools first, then the manager). */
    PooledTransfers(TransactionManager tm, DataSource a, DataSource b, List<Part> resources) {
        this.tm = tm;
        this.a = a;
        this.b = b;
        this.resources = new ArrayList<>(resources);
    }

    @Override
    public Worker worker() {
        return this::transfer;
    }

    private void transfer(int from, int to, long amount) throws Exception {
        tm.begin();
        try {
            update(a, DEBIT, from, amount);
            update(b, CREDIT, to, amount);
        } catch (Exception | Error e) {
            try {
                tm.rollback();
            } catch (Exception rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        tm.commit();
    }

    private static void update(DataSource ds, String sql, int account, long amount) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, amount);
            ps.setInt(2, account);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no account " + account);
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Part r : resources) {
            try {
                r.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
