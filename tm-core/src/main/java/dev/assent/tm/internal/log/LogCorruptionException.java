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
                + ". Start-up stops so that no commit decision is silently dropped. Move the damaged directory"
                + " aside for analysis and start with an empty one: recovery then reports the branches the"
                + " damaged log's runs left prepared, to be settled by hand (restore a backup instead only if it"
                + " was taken while the transaction manager was stopped)");
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
