package dev.assent.xa.internal;

import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.XaErrors;
import dev.assent.xa.profile.XaVerb;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A driver's XAResource whose failures are read through the database's profile: every
 * XAException that leaves it has a code that means what XA says, and an unchecked exception from
 * the driver (H2 throws NullPointerException from a closed connection) becomes XAER_RMFAIL.
 * Stateless apart from its two final fields.
 */
final class NormalisingXAResource implements XAResource {
    private final XAResource driver;
    private final DatabaseProfile profile;

    NormalisingXAResource(XAResource driver, DatabaseProfile profile) {
        this.driver = driver;
        this.profile = profile;
    }

    XAResource driver() {
        return driver;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        call(XaVerb.START, () -> {
            driver.start(xid, flags);
            return null;
        });
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        call(XaVerb.END, () -> {
            driver.end(xid, flags);
            return null;
        });
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return call(XaVerb.PREPARE, () -> driver.prepare(xid));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(onePhase ? XaVerb.COMMIT_ONE_PHASE : XaVerb.COMMIT, () -> {
            driver.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(XaVerb.ROLLBACK, () -> {
            driver.rollback(xid);
            return null;
        });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return call(XaVerb.RECOVER, () -> driver.recover(flag));
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(XaVerb.FORGET, () -> {
            driver.forget(xid);
            return null;
        });
    }

    /** Identity of the physical resource: no driver here can join a branch across connections. */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this || (other instanceof NormalisingXAResource that && that.driver == driver);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return call(XaVerb.START, driver::getTransactionTimeout);
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return call(XaVerb.START, () -> driver.setTransactionTimeout(seconds));
    }

    private <T> T call(XaVerb verb, XaCall<T> call) throws XAException {
        try {
            return call.run();
        } catch (XAException e) {
            XAException normal = profile.normalise(verb, e);
            // A profile that leaves code 0 would let the coordinator read garbage: never success.
            throw normal.errorCode == 0 ? XaErrors.recoded(XAException.XAER_RMERR, normal) : normal;
        } catch (RuntimeException e) {
            throw XaErrors.of(
                    XAException.XAER_RMFAIL,
                    profile.product() + " driver threw " + e.getClass().getSimpleName() + " from " + verb,
                    e);
        }
    }

    @FunctionalInterface
    private interface XaCall<T> {
        T run() throws XAException;
    }
}
