package dev.assent.samples.transfer;

/**
 * The run stops before it moves any money, for a reason the user has to settle: the message is one
 * sentence saying what is wrong, where, and what to do; {@code main} prints it and exits with
 * {@link #exitStatus()}.
 */
final class RunRefused extends Exception {
    private static final long serialVersionUID = 1L;

    /** The exit status of a refusal the user settles by changing the build or the command line. */
    static final int USAGE_STATUS = 2;

    /** The exit status of any other refusal. */
    static final int REFUSED_STATUS = 1;

    private final int exitStatus;

    RunRefused(String sentence, int exitStatus) {
        super(sentence);
        this.exitStatus = exitStatus;
    }

    RunRefused(String sentence) {
        this(sentence, REFUSED_STATUS);
    }

    int exitStatus() {
        return exitStatus;
    }
}
