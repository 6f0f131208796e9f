package dev.assent.bench;

import dev.assent.bench.managers.Manager;
import java.nio.file.Path;

class AssentMemorySmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.ASSENT_MEMORY;
    }

    /** The in-memory log writes nothing to disk. */
    @Override
    void assertLogWritten(Path directory) {}
}
