package dev.assent.xa.profile;

/**
 * A database cannot take part in XA transactions as configured (cannot be reached, refuses the
 * login, cannot prepare, cannot list prepared branches). The message is one sentence that names
 * the DataSource, the cause and the fix; the driver's exception, if any, is the cause.
 */
public final class DatabaseNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseNotReadyException(String message) {
        super(message);
    }

    public DatabaseNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
