package dev.assent.tm.internal.tx;

/**
 * Which transaction each thread works in, and the timeout its next begin() will use. The
 * thread-locals belong to one transaction manager (never static), so two managers in one JVM
 * keep separate associations.
 */
public final class ThreadAssociation {
    private final ThreadLocal<TransactionImpl> current = new ThreadLocal<>();
    private final ThreadLocal<Integer> timeoutSeconds = new ThreadLocal<>();

    public TransactionImpl current() {
        return current.get();
    }

    public void associate(TransactionImpl tx) {
        current.set(tx);
    }

    public void disassociate() {
        current.remove();
    }

    /** Disassociates the calling thread if it works in {@code tx}. */
    public void disassociateIfCurrent(TransactionImpl tx) {
        if (current.get() == tx) {
            current.remove();
        }
    }

    /** The timeout set with setTransactionTimeout on this thread, or 0 for the default. */
    public int timeoutSeconds() {
        Integer seconds = timeoutSeconds.get();
        return seconds == null ? 0 : seconds;
    }

    public void timeoutSeconds(int seconds) {
        if (seconds == 0) {
            timeoutSeconds.remove();
        } else {
            timeoutSeconds.set(seconds);
        }
    }
}
