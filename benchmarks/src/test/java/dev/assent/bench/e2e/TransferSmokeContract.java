package dev.assent.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.BenchDirectories;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transfer workload on one embedded PostgreSQL server with two databases, for each system of
 * a test class: a few dozen transfers on several threads, then the databases must show exactly
 * one unit moved per committed transfer and nothing prepared. One JVM per class (Narayana and
 * Atomikos are singletons).
 */
abstract class TransferSmokeContract {
    static final int ACCOUNTS = 100;
    static TransferDatabases databases;

    abstract List<E2eManager> systems();

    @BeforeAll
    static void startDatabases() throws Exception {
        databases = TransferDatabases.oneServer();
        databases.seed(ACCOUNTS);
    }

    @AfterAll
    static void stopDatabases() throws Exception {
        databases.close();
    }

    @Test
    void theServerForcesEveryCommit() {
        assertThat(databases.durability())
                .contains("fsync=on", "synchronous_commit=on", "full_page_writes=on", "wal_sync_method=");
    }

    @Test
    void transfersCommitBothBranchesAndLeaveNothingPrepared() throws Exception {
        for (E2eManager system : systems()) {
            long totalA = TransferDatabases.total(databases.a());
            long totalB = TransferDatabases.total(databases.b());
            Path logs = BenchDirectories.create("e2e-smoke-" + system.id());
            long committed;
            try (TransferSystem transfers = system.start(logs, databases.a(), databases.b(), 4)) {
                TransferRun run = new TransferRun(transfers, system.id(), ACCOUNTS);
                run.runCount(4, 13);
                assertThat(run.committed()).as(system.id()).isEqualTo(52);
                E2eResult timed = run.measure(2, Duration.ZERO, Duration.ofMillis(200));
                assertThat(timed.manager()).isEqualTo(system.id());
                assertThat(timed.threads()).isEqualTo(2);
                assertThat(timed.transactions()).isPositive();
                assertThat(timed.errors()).isZero();
                assertThat(timed.p99Millis()).isGreaterThanOrEqualTo(timed.p50Millis());
                committed = run.committed();
            } finally {
                BenchDirectories.delete(logs);
            }
            // Throws unless A lost and B gained exactly one unit per committed transfer, and
            // pg_prepared_xacts is empty in both databases.
            TransferRun.check(databases.a(), databases.b(), totalA, totalB, committed);
            assertThat(TransferDatabases.total(databases.a()) + TransferDatabases.total(databases.b()))
                    .isEqualTo(totalA + totalB);
        }
    }
}
