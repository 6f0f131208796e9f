package dev.assent.xa.internal;

import dev.assent.tm.spi.NamedXAResource;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.DatabaseTarget;
import dev.assent.xa.profile.XaErrors;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XAResource that recovery uses for one DataSource: registered once with the transaction
 * manager, handed out by its supplier at every scan, and kept by the manager as a sample for
 * isSameRM, so it must stay usable for as long as the DataSource lives and must not open a
 * connection per call.
 *
 * <p>It holds one connection of its own, outside the pool, opened on first use and kept; when the
 * connection fails (XAER_RMFAIL: server restarted, connection killed) it is closed and the call is
 * tried once more on a fresh one. After {@link #close()} every verb fails with XAER_RMFAIL, so a
 * scan reports the database unreachable instead of taking an empty list as "nothing prepared".
 *
 * <p>Commit and rollback answers of XAER_NOTA are confirmed against a fresh recover(): MariaDB
 * answers XAER_NOTA for a prepared branch whose original session is still open, and taking that
 * as "already finished" would leave the branch prepared forever.
 *
 * <p>Where the profile says a driver's rollback can silently do nothing (H2), each rollback is
 * framed by two listings: a branch not listed is XAER_NOTA, one still listed afterwards XAER_RMFAIL.
 *
 * <p>Note on concurrency: recovery scans run one at a time, but operator actions and isSameRM may
 * come from other threads; the connection fields are guarded by {@code lock} (a ReentrantLock, not
 * {@code synchronized}, because the calls under it do I/O).
 */
public final class RecoveryResource implements NamedXAResource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecoveryResource.class);

    private final DatabaseTarget target;
    private final DatabaseProfile profile;
    private final ConnectionOpener opener;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    private XAConnection connection;
    private NormalisingXAResource xa;
    private boolean closed;

    /** Opens a connection for recovery, outside the pool. */
    @FunctionalInterface
    public interface ConnectionOpener {
        XAConnection open() throws SQLException;
    }

    public RecoveryResource(DatabaseTarget target, DatabaseProfile profile, ConnectionOpener opener) {
        this.target = target;
        this.profile = profile;
        this.opener = opener;
    }

    @Override
    public String resourceManagerName() {
        return target.name();
    }

    /**
     * Opens the recovery connection and checks that the database can take part in XA: the
     * profile's checks, then a recover() call.
     *
     * @throws DatabaseNotReadyException naming the problem and its fix
     */
    public void checkReady() {
        lock.lock();
        try {
            try {
                open();
            } catch (SQLException e) {
                throw new DatabaseNotReadyException(profile.explainConnectFailure(target, e), e);
            }
            try {
                profile.checkReady(connection.getConnection(), target);
            } catch (SQLException e) {
                throw new DatabaseNotReadyException(
                        "DataSource '" + target.name() + "' could not check " + profile.product() + " at "
                                + target.url() + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ").",
                        e);
            }
            try {
                xa.recover(TMSTARTRSCAN | TMENDRSCAN);
            } catch (XAException e) {
                throw new DatabaseNotReadyException(
                        "DataSource '" + target.name() + "' cannot list prepared branches on " + profile.product()
                                + " at "
                                + target.url() + " (" + XaErrors.nameOf(e.errorCode) + ": " + e.getMessage()
                                + "), so recovery would not work; check the user's privileges.",
                        e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return withConnection(resource -> resource.recover(flag));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        withConnection(resource -> {
            try {
                resource.commit(xid, onePhase);
            } catch (XAException e) {
                throw confirmedUnknown(resource, xid, e);
            }
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        withConnection(resource -> {
            if (profile.rollbackNeedsListing()) {
                rollbackListed(resource, xid);
            } else {
                rollbackOnce(resource, xid);
            }
            return null;
        });
    }

    private void rollbackOnce(XAResource resource, Xid xid) throws XAException {
        try {
            resource.rollback(xid);
        } catch (XAException e) {
            throw confirmedUnknown(resource, xid, e);
        }
    }

    /**
     * For a driver whose rollback may return normally having done nothing (H2 rolls a prepared
     * branch back only while its connection's "prepared" flag is up, which a listing raises): the
     * branch is listed right before the rollback, and a branch still listed after it is reported as
     * XAER_RMFAIL, so recovery tries again instead of taking it for rolled back.
     */
    private void rollbackListed(XAResource resource, Xid xid) throws XAException {
        if (!isListed(resource, xid)) {
            throw XaErrors.of(
                    XAException.XAER_NOTA,
                    "'" + target.name() + "' does not list the branch as prepared: nothing to roll back",
                    null);
        }
        rollbackOnce(resource, xid);
        if (isListed(resource, xid)) {
            throw XaErrors.of(
                    XAException.XAER_RMFAIL,
                    "'" + target.name() + "' still lists the branch as prepared after rolling it back; retried later",
                    null);
        }
    }

    private static boolean isListed(XAResource resource, Xid xid) throws XAException {
        for (Xid listed : resource.recover(TMSTARTRSCAN | TMENDRSCAN)) {
            if (sameXid(listed, xid)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void forget(Xid xid) throws XAException {
        withConnection(resource -> {
            resource.forget(xid);
            return null;
        });
    }

    /** XAER_NOTA stands only if the database no longer lists the branch as prepared. */
    private XAException confirmedUnknown(XAResource resource, Xid xid, XAException e) throws XAException {
        if (e.errorCode != XAException.XAER_NOTA) {
            return e;
        }
        if (isListed(resource, xid)) {
            return XaErrors.of(
                    XAException.XAER_RMFAIL,
                    "'" + target.name() + "' answered XAER_NOTA but still lists the branch as prepared (its"
                            + " session is probably still open); retried later",
                    e);
        }
        return e;
    }

    private static boolean sameXid(Xid a, Xid b) {
        return a.getFormatId() == b.getFormatId()
                && Arrays.equals(a.getGlobalTransactionId(), b.getGlobalTransactionId())
                && Arrays.equals(a.getBranchQualifier(), b.getBranchQualifier());
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        throw notForWork("start");
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        throw notForWork("end");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        throw notForWork("prepare");
    }

    private XAException notForWork(String verb) {
        return XaErrors.of(
                XAException.XAER_PROTO,
                "the recovery resource of '" + target.name() + "' finishes branches; it cannot " + verb + " one",
                null);
    }

    /** Only itself: recovery resources are found by name, never by isSameRM. */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    private <T> T withConnection(RecoveryCall<T> call) throws XAException {
        lock.lock();
        try {
            if (closed) {
                throw XaErrors.of(
                        XAException.XAER_RMFAIL,
                        "DataSource '" + target.name()
                                + "' is closed; its prepared branches wait for it to be opened again",
                        null);
            }
            boolean reused = connection != null;
            try {
                open();
                return call.run(xa);
            } catch (SQLException e) {
                discard();
                throw XaErrors.of(XAException.XAER_RMFAIL, profile.explainConnectFailure(target, e), e);
            } catch (XAException e) {
                if (e.errorCode != XAException.XAER_RMFAIL) {
                    throw e;
                }
                discard();
                if (!reused) {
                    throw e;
                }
                log.debug(
                        "'{}': recovery connection failed ({}); retrying on a fresh one",
                        target.name(),
                        e.getMessage());
                return retry(call);
            }
        } finally {
            lock.unlock();
        }
    }

    private <T> T retry(RecoveryCall<T> call) throws XAException {
        try {
            open();
            return call.run(xa);
        } catch (SQLException e) {
            discard();
            throw XaErrors.of(XAException.XAER_RMFAIL, profile.explainConnectFailure(target, e), e);
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_RMFAIL) {
                discard();
            }
            throw e;
        }
    }

    private void open() throws SQLException {
        if (connection == null) {
            XAConnection opened = opener.open();
            connection = opened;
            xa = new NormalisingXAResource(opened.getXAResource(), profile);
        }
    }

    private void discard() {
        XAConnection old = connection;
        connection = null;
        xa = null;
        if (old != null) {
            try {
                old.close();
            } catch (SQLException | RuntimeException e) {
                log.debug("'{}': closing a failed recovery connection: {}", target.name(), e.toString());
            }
        }
    }

    /** Closes the recovery connection; from now on every verb fails with XAER_RMFAIL. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            discard();
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface RecoveryCall<T> {
        T run(XAResource resource) throws XAException;
    }

    @Override
    public String toString() {
        return "RecoveryResource[" + target.name() + "]";
    }
}
