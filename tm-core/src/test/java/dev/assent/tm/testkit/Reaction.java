package dev.assent.tm.testkit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * What a scripted XA verb does instead of succeeding: return a value, throw an XAException with a
 * given error code, or throw a RuntimeException (a driver bug). Immutable; every call that
 * applies it throws a fresh exception, which the resource remembers ({@link
 * ScriptedXAResource#thrown()}).
 */
public final class Reaction {
    private enum Kind {
        RETURN,
        XA_ERROR,
        RUNTIME,
        PAUSE
    }

    private final Kind kind;
    private final int value;
    private final CountDownLatch reached;
    private final CountDownLatch proceed;

    private Reaction(Kind kind, int value) {
        this(kind, value, null, null);
    }

    private Reaction(Kind kind, int value, CountDownLatch reached, CountDownLatch proceed) {
        this.kind = kind;
        this.value = value;
        this.reached = reached;
        this.proceed = proceed;
    }

    /**
     * Counts {@code reached} down, waits (at most 10 s) for {@code proceed}, then succeeds: holds a
     * thread inside a verb so that a test can make something happen meanwhile.
     */
    public static Reaction pause(CountDownLatch reached, CountDownLatch proceed) {
        return new Reaction(Kind.PAUSE, 0, reached, proceed);
    }

    /** Returns {@code value} (only prepare returns anything: XA_OK or XA_RDONLY). */
    public static Reaction returns(int value) {
        return new Reaction(Kind.RETURN, value);
    }

    /** Throws an XAException whose errorCode is {@code errorCode}. */
    public static Reaction xaError(int errorCode) {
        return new Reaction(Kind.XA_ERROR, errorCode);
    }

    /** Throws an IllegalStateException, as a buggy driver might. */
    public static Reaction runtimeException() {
        return new Reaction(Kind.RUNTIME, 0);
    }

    public boolean isXaError() {
        return kind == Kind.XA_ERROR;
    }

    public boolean isRuntimeException() {
        return kind == Kind.RUNTIME;
    }

    /** The error code thrown; only meaningful for {@link #xaError(int)}. */
    public int errorCode() {
        return value;
    }

    /** True for an XA_RB* error: the resource manager has rolled its branch back already. */
    public boolean isRollbackCode() {
        return kind == Kind.XA_ERROR && XaCodes.isRollbackCode(value);
    }

    int apply(String where, ScriptedXAResource resource) throws XAException {
        switch (kind) {
            case RETURN:
                return value;
            case XA_ERROR:
                XAException e = new XAException("scripted " + XaCodes.name(value) + " at " + where);
                e.errorCode = value;
                resource.remember(e);
                throw e;
            case PAUSE:
                reached.countDown();
                try {
                    if (!proceed.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("paused at " + where + " for 10 s: the test never let it go");
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                return XAResource.XA_OK;
            case RUNTIME:
                IllegalStateException runtime = new IllegalStateException("scripted driver failure at " + where);
                resource.remember(runtime);
                throw runtime;
        }
        throw new AssertionError(kind);
    }

    @Override
    public String toString() {
        switch (kind) {
            case RETURN:
                return "returns " + XaCodes.name(value);
            case XA_ERROR:
                return XaCodes.name(value);
            case PAUSE:
                return "pause";
            default:
                return "RuntimeException";
        }
    }
}
