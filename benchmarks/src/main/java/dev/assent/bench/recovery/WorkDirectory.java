package dev.assent.bench.recovery;

import java.nio.file.Path;
import java.util.List;

/** Where one crash-and-recover round keeps the manager's log and the two resources' stores. */
final class WorkDirectory {
    /** The two resource managers every transaction has a branch in. */
    static final List<String> RESOURCE_MANAGERS = List.of("rm-a", "rm-b");

    private WorkDirectory() {}

    static Path log(Path work) {
        return work.resolve("log");
    }

    static Path store(Path work, String resourceManager) {
        return work.resolve("resources").resolve(resourceManager + ".branches");
    }
}
