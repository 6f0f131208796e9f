package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens, lists and deletes the log's segment files. The real one is {@link #fileSystem()}; tests
 * wrap it to inject faults.
 */
public interface LogStorage {

    /** The operating system's file system; new files are readable and writable by the owner only. */
    static LogStorage fileSystem() {
        return FileLogStorage.INSTANCE;
    }

    /**
     * Creates a new, empty file.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it exists already
     */
    LogChannel create(Path file) throws IOException;

    /** Opens an existing file for reading and writing. */
    LogChannel open(Path file) throws IOException;

    /** The regular files directly inside {@code directory}. */
    List<Path> list(Path directory) throws IOException;

    void delete(Path file) throws IOException;

    /** Makes the creation and deletion of files in {@code directory} durable. */
    void syncDirectory(Path directory) throws IOException;
}
