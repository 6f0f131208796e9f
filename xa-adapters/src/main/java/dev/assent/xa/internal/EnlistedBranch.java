package dev.assent.xa.internal;

import dev.assent.tm.spi.NamedXAResource;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.SuspendMode;
import dev.assent.xa.profile.XaErrors;
import io.agroal.api.transaction.TransactionAware;
import jakarta.transaction.Synchronization;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled connection's branch in one transaction: the XAResource the transaction manager
 * enlists (named after the DataSource) and the synchronization that hands the connection back to
 * the pool once the transaction has completed.
 *
 * <p>It translates what the transaction manager asks into what the driver can do: suspend and
 * resume as the profile says, a read-only vote when the profile can tell nothing was written, a
 * rollback vote when the profile can tell the server already threw the branch's work away (before
 * the driver is asked to prepare or commit it), and a reset of the driver's XA state when the
 * server rolled a branch back by itself. A connection
 * whose XA state is not known to be clean when the transaction completes is destroyed, never
 * pooled again.
 *
 * <p>A rollback asked by a thread other than the one that holds the connection (the timeout
 * reaper) before the branch is prepared closes the connection instead of talking to it: the
 * server rolls the branch back when the connection goes, a statement the application still runs
 * fails at once instead of blocking the reaper, and nothing the application does later can run
 * outside the transaction (no auto-commit after a timeout).
 *
 * <p>Note on concurrency: the XA verbs of one branch arrive one after the other, but from
 * different threads (the application's, the reaper, the coordinator's phase threads); the state is
 * an atomic reference and the other mutable fields are volatile, so each verb sees what the one
 * before it left. {@code owner} is written by the integration on the application's thread at each
 * getConnection() and read by whichever thread completes the branch.
 */
final class EnlistedBranch implements NamedXAResource, Synchronization {
    private static final Logger log = LoggerFactory.getLogger(EnlistedBranch.class);

    /** The branch as this connection sees it. */
    enum State {
        NEW,
        ACTIVE,
        SUSPENDED,
        ENDED,
        PREPARED,
        /** Committed, rolled back, or voted read-only: the driver's XA state is clean. */
        DONE,
        /** Closed under the application by a rollback from another thread. */
        ABANDONED
    }

    /** How a suspended association was left at the driver. */
    private enum Suspension {
        NONE,
        NATIVE,
        ENDED_AT_DRIVER,
        IN_PLACE
    }

    private final String name;
    private final TransactionAware aware;
    private final NormalisingXAResource xa;
    private final DatabaseProfile profile;
    private final Connection physical;
    private final ReturnGuard returns;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Suspension suspension = Suspension.NONE;
    private volatile Object transactionMark;
    private volatile Thread owner;

    EnlistedBranch(
            String name, TransactionAware aware, XAResource driver, DatabaseProfile profile, ReturnGuard returns) {
        this.name = name;
        this.returns = returns;
        this.aware = aware;
        this.xa = new NormalisingXAResource(driver, profile);
        this.profile = profile;
        this.physical = PhysicalConnection.of(aware);
        this.owner = Thread.currentThread();
    }

    TransactionAware aware() {
        return aware;
    }

    State state() {
        return state.get();
    }

    /** The application's thread obtained the connection (again) in this transaction. */
    void heldBy(Thread thread) {
        owner = thread;
    }

    @Override
    public String resourceManagerName() {
        return name;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        switch (flags) {
            case TMNOFLAGS -> {
                require("start", State.NEW);
                try {
                    aware.transactionStart();
                } catch (SQLException e) {
                    throw failed(XaErrors.of(
                            XAException.XAER_RMFAIL,
                            "cannot prepare the connection of '" + name + "' for the transaction",
                            e));
                }
                guarded(() -> xa.start(xid, TMNOFLAGS));
                transactionMark = markTransaction();
                move(State.NEW, State.ACTIVE);
            }
            case TMJOIN -> {
                require("join", State.ENDED);
                guarded(() -> xa.start(xid, TMJOIN));
                move(State.ENDED, State.ACTIVE);
            }
            case TMRESUME -> resume(xid);
            default ->
                throw XaErrors.of(
                        XAException.XAER_INVAL, "start takes TMNOFLAGS, TMJOIN or TMRESUME, not " + flags, null);
        }
    }

    private void resume(Xid xid) throws XAException {
        require("resume", State.SUSPENDED);
        switch (suspension) {
            case NATIVE -> guarded(() -> xa.start(xid, TMRESUME));
            case ENDED_AT_DRIVER -> guarded(() -> xa.start(xid, TMJOIN));
            case IN_PLACE, NONE -> {
                // the association never left the connection
            }
        }
        suspension = Suspension.NONE;
        move(State.SUSPENDED, State.ACTIVE);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        switch (flags) {
            case TMSUSPEND -> suspend(xid);
            case TMSUCCESS, TMFAIL -> {
                State from = require("end", State.ACTIVE, State.SUSPENDED);
                if (flags == TMFAIL && abandonIfHeldElsewhere()) {
                    return;
                }
                if (flags == TMFAIL) {
                    aware.transactionBeforeCompletion(false);
                }
                Suspension was = suspension;
                if (from == State.ACTIVE || was != Suspension.ENDED_AT_DRIVER) {
                    endAtDriver(xid, flags);
                }
                suspension = Suspension.NONE;
                move(from, State.ENDED);
            }
            default ->
                throw XaErrors.of(
                        XAException.XAER_INVAL, "end takes TMSUCCESS, TMFAIL or TMSUSPEND, not " + flags, null);
        }
    }

    private void endAtDriver(Xid xid, int flags) throws XAException {
        try {
            xa.end(xid, flags);
        } catch (XAException e) {
            // XA_RB* after TMFAIL: the server rolled back as hinted; the connection is fine.
            if (!(flags == TMFAIL && XaErrors.isRolledBack(e.errorCode))) {
                aware.setFlushOnly();
            }
            throw e;
        }
    }

    private void suspend(Xid xid) throws XAException {
        require("suspend", State.ACTIVE);
        SuspendMode mode = profile.suspendMode();
        switch (mode) {
            case NATIVE -> {
                try {
                    xa.end(xid, TMSUSPEND);
                    suspension = Suspension.NATIVE;
                } catch (XAException e) {
                    if (e.errorCode != XAException.XAER_INVAL
                            && e.errorCode != XAException.XAER_RMERR
                            && e.errorCode != XAException.XAER_PROTO) {
                        throw failed(e);
                    }
                    // Refused: the association is still there; keep it, the connection is ours alone.
                    log.debug(
                            "'{}' refused TMSUSPEND with {}; the branch stays associated",
                            name,
                            XaErrors.nameOf(e.errorCode));
                    suspension = Suspension.IN_PLACE;
                }
            }
            case END_AND_JOIN -> {
                guarded(() -> xa.end(xid, TMSUCCESS));
                suspension = Suspension.ENDED_AT_DRIVER;
            }
            case KEEP_ASSOCIATED -> suspension = Suspension.IN_PLACE;
        }
        move(State.ACTIVE, State.SUSPENDED);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        require("prepare", State.ENDED);
        refuseIfRolledBackByServer(xid);
        if (physical != null && changedNothing(xid)) {
            guarded(() -> xa.rollback(xid));
            move(State.ENDED, State.DONE);
            return XA_RDONLY;
        }
        int vote;
        try {
            vote = xa.prepare(xid);
        } catch (XAException e) {
            throw afterServerRollback(xid, e);
        }
        move(State.ENDED, vote == XA_RDONLY ? State.DONE : State.PREPARED);
        return vote;
    }

    private boolean changedNothing(Xid xid) throws XAException {
        try {
            return profile.hasChangedNothing(physical);
        } catch (SQLException | RuntimeException e) {
            // The probe may be what found the transaction aborted (PostgreSQL's 25P02): ask again.
            refuseIfRolledBackByServer(xid);
            log.debug("'{}' could not tell whether the branch wrote anything ({}); preparing it", name, e.toString());
            return false;
        }
    }

    private Object markTransaction() {
        if (physical == null) {
            return null;
        }
        try {
            return profile.transactionMark(physical);
        } catch (SQLException | RuntimeException e) {
            log.debug("'{}': no mark of the server transaction ({})", name, e.toString());
            return null;
        }
    }

    /**
     * Rolls the branch back and throws the profile's XA_RB* reason when the server has already
     * thrown the branch's work away: the driver would otherwise report its PREPARE or one-phase
     * COMMIT as a success (see {@link DatabaseProfile#rolledBackByServer}).
     */
    private void refuseIfRolledBackByServer(Xid xid) throws XAException {
        if (physical == null) {
            return;
        }
        XAException reason;
        try {
            reason = profile.rolledBackByServer(physical, transactionMark);
        } catch (SQLException | RuntimeException e) {
            log.warn("'{}' could not tell whether the server aborted the branch ({}); asking the driver", name, e);
            return;
        }
        if (reason != null) {
            if (!XaErrors.isRolledBack(reason.errorCode)) {
                reason = XaErrors.of(XAException.XA_RBOTHER, reason.getMessage(), reason);
            }
            log.debug("'{}': {}; voting {}", name, reason.getMessage(), XaErrors.nameOf(reason.errorCode));
            throw afterServerRollback(xid, reason);
        }
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        State from = onePhase ? require("commit in one phase", State.ENDED) : require("commit", State.PREPARED);
        if (onePhase) {
            refuseIfRolledBackByServer(xid);
        }
        aware.transactionBeforeCompletion(true);
        try {
            xa.commit(xid, onePhase);
        } catch (XAException e) {
            throw onePhase ? afterServerRollback(xid, e) : failed(e);
        }
        move(from, State.DONE);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        State from = require(
                "roll back", State.ACTIVE, State.SUSPENDED, State.ENDED, State.PREPARED, State.ABANDONED, State.DONE);
        if (from == State.DONE) {
            // The server already rolled it back (an XA_RB* vote) and the driver forgot it.
            throw XaErrors.of(XAException.XAER_NOTA, "the branch of '" + name + "' is already rolled back", null);
        }
        if (from == State.ABANDONED || abandonIfHeldElsewhere()) {
            return; // closing the connection rolled the unprepared branch back
        }
        aware.transactionBeforeCompletion(false);
        if (from == State.ACTIVE || (from == State.SUSPENDED && suspension != Suspension.ENDED_AT_DRIVER)) {
            endQuietly(xid); // MariaDB refuses to roll back a branch that is still associated
        }
        guarded(() -> xa.rollback(xid));
        move(from, State.DONE);
    }

    private void endQuietly(Xid xid) {
        try {
            xa.end(xid, TMFAIL);
        } catch (XAException e) {
            log.debug("'{}': end(TMFAIL) before rollback answered {}", name, XaErrors.nameOf(e.errorCode));
        }
    }

    /**
     * XA_RB* from prepare or a one-phase commit: the server rolled back, but drivers keep the
     * branch as their current one (pgjdbc refuses the next start); a rollback clears it.
     */
    private XAException afterServerRollback(Xid xid, XAException e) {
        if (!XaErrors.isRolledBack(e.errorCode)) {
            return failed(e);
        }
        try {
            xa.rollback(xid);
        } catch (XAException reset) {
            if (reset.errorCode != XAException.XAER_NOTA) {
                aware.setFlushOnly();
            }
        }
        State current = state.get();
        if (current == State.ENDED) {
            move(State.ENDED, State.DONE);
        }
        return e;
    }

    /**
     * Closes the connection when a thread other than its holder rolls back a branch whose
     * association is still open: the holder may be running a statement on it right now. An ended
     * branch was handed over by its holder (end(TMSUCCESS) at commit) and is rolled back normally.
     */
    private boolean abandonIfHeldElsewhere() {
        State current = state.get();
        Thread holder = owner;
        if (Thread.currentThread() == holder
                || physical == null
                || (current != State.ACTIVE && current != State.SUSPENDED)) {
            return false;
        }
        aware.setFlushOnly();
        try {
            profile.cancelRunningStatement(physical);
        } catch (SQLException | RuntimeException e) {
            log.debug("'{}': could not cancel a running statement: {}", name, e.toString());
        }
        if (!closeSessionAtOnce() && !PhysicalConnection.abort(physical)) {
            return false; // discarded at completion all the same; roll back through the driver
        }
        move(current, State.ABANDONED);
        returns.abandoned(aware);
        aware.transactionBeforeCompletion(false);
        log.warn(
                "'{}': the transaction was rolled back by {} while {} held its connection (timeout?); the"
                        + " connection was closed, which rolled the branch back",
                name,
                Thread.currentThread().getName(),
                holder.getName());
        return true;
    }

    /** The profile's way to end the session (H2: closing its handle would turn on auto-commit). */
    private boolean closeSessionAtOnce() {
        try {
            return profile.closeSessionAtOnce(physical);
        } catch (SQLException | RuntimeException e) {
            log.debug("'{}': could not close the session at once ({}); aborting the connection", name, e.toString());
            return false;
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        xa.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return xa.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return xa.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return xa.setTransactionTimeout(seconds);
    }

    @Override
    public void beforeCompletion() {
        // the branch ends through the XA verbs
    }

    /** The transaction completed: the connection goes back to the pool, or is destroyed if its state is unsure. */
    @Override
    public void afterCompletion(int status) {
        State last = state.get();
        if (last != State.DONE) {
            aware.setFlushOnly();
            if (last != State.ABANDONED && last != State.NEW) {
                log.debug("'{}': branch ended in state {}; its connection is discarded", name, last);
            }
        }
        try {
            aware.transactionEnd();
        } catch (SQLException | RuntimeException e) {
            log.warn("'{}': could not hand the connection back to the pool", name, e);
        }
    }

    private State require(String verb, State... allowed) throws XAException {
        State current = state.get();
        for (State s : allowed) {
            if (s == current) {
                return current;
            }
        }
        throw XaErrors.of(
                XAException.XAER_PROTO, "cannot " + verb + " the branch of '" + name + "': it is " + current, null);
    }

    private void move(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("branch of '" + name + "' moved concurrently: expected " + from + " -> "
                    + to + ", found " + state.get());
        }
    }

    private void guarded(XaAction action) throws XAException {
        try {
            action.run();
        } catch (XAException e) {
            throw failed(e);
        }
    }

    /** A verb failed: the connection's XA state is unsure, so it is never pooled again. */
    private XAException failed(XAException e) {
        aware.setFlushOnly();
        return e;
    }

    @FunctionalInterface
    private interface XaAction {
        void run() throws XAException;
    }

    @Override
    public String toString() {
        return "EnlistedBranch[" + name + ", " + state.get() + "]";
    }
}
