package dev.assent.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmarks put their logs: a fresh directory per run under {@code -Dassent.bench.dir}
 * (run.sh points it at benchmarks/target/bench-data), so that every manager writes to the same disk.
 */
public final class BenchDirectories {
    /** The system property naming the parent of every benchmark's data directory. */
    public static final String PROPERTY = "assent.bench.dir";

    private BenchDirectories() {}

    /** The configured parent of every benchmark's data directory (it may not exist yet). */
    public static Path parent() {
        return Path.of(System.getProperty(PROPERTY, "target/bench-data")).toAbsolutePath();
    }

    /** Creates an empty directory named after {@code prefix} under the configured parent. */
    public static Path create(String prefix) throws IOException {
        Path parent = parent();
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix + "-");
    }

    /** Deletes {@code directory} and everything in it; a missing directory is fine. */
    public static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(BenchDirectories::deleteOne);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteOne(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
