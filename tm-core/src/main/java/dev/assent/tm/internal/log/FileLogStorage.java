package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** {@link LogStorage} on the operating system's file system. */
final class FileLogStorage implements LogStorage {
    static final FileLogStorage INSTANCE = new FileLogStorage();

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private FileLogStorage() {}

    @Override
    public LogChannel create(Path file) throws IOException {
        Set<OpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new FileLogChannel(FileChannel.open(file, options, ownerOnly(file, OWNER_READ_WRITE)));
    }

    @Override
    public LogChannel open(Path file) throws IOException {
        return new FileLogChannel(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.delete(file);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        if (WINDOWS) {
            return; // Windows cannot open a directory as a channel; NTFS journals directory changes
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Creates {@code directory} (owner-only where POSIX permissions exist) unless it exists. */
    static void createDirectories(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, ownerOnly(directory, OWNER_ONLY_DIRECTORY));
        }
    }

    /** The permission attribute to create a file with, or none where the file system has no POSIX view. */
    static FileAttribute<?>[] ownerOnly(Path file, Set<PosixFilePermission> permissions) {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = (directory == null ? file : directory)
                .getFileSystem()
                .supportedFileAttributeViews()
                .contains("posix");
        return posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    static FileAttribute<?>[] ownerReadWrite(Path file) {
        return ownerOnly(file, OWNER_READ_WRITE);
    }
}
