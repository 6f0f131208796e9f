package dev.assent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.managers.Manager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

class NarayanaJournalSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.NARAYANA_JOURNAL;
    }

    /** The journal store, not the default one, holds the log. */
    @Override
    void assertLogWritten(Path directory) throws IOException {
        try (Stream<Path> journal = Files.list(directory.resolve("journal"))) {
            assertThat(journal.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".txlog"));
        }
    }
}
