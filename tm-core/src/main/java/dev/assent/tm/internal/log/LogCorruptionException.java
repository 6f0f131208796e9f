package dev.assent.tm.internal.log;

import java.nio.file.Path;

/**
 * The log holds damage that is not a torn tail, so a commit decision could be lost if start-up
 * went on. Names the file and the byte offset; the message says what an operator can do.
 */
public final class LogCorruptionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    LogCorruptionException(Path file, long offset, String problem) {
        super("the transaction log file " + file + " is damaged at byte offset " + offset + ": " + problem
                + ". Start-up stops so that no commit decision is silently dropped. Restore the log directory"
                + " from a backup if there is one; otherwise keep the damaged directory for analysis, settle by hand"
                + " the transactions that the resource managers still hold prepared, and start with an empty log"
                + " directory");
        this.file = file.toString();
        this.offset = offset;
    }

    /** The damaged file. */
    public String file() {
        return file;
    }

    /** Where in {@link #file()} the damage starts. */
    public long offset() {
        return offset;
    }
}
