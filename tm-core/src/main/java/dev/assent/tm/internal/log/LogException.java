package dev.assent.tm.internal.log;

/**
 * The log could not make a record durable. {@link #mayBeDurable()} tells whether the record may
 * nevertheless have reached the disk (a failed force after a complete write): then the caller
 * must not act as if it was never written.
 */
public final class LogException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean mayBeDurable;

    public LogException(String message, boolean mayBeDurable, Throwable cause) {
        super(message, cause);
        this.mayBeDurable = mayBeDurable;
    }

    public boolean mayBeDurable() {
        return mayBeDurable;
    }
}
