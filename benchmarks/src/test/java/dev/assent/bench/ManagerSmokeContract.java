package dev.assent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.managers.Manager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The smoke test of one manager: the coordinator benchmark's own set-up, body and tear-down, run
 * without JMH a few hundred times on a few threads. Subclassed once per manager; surefire gives each
 * subclass a JVM of its own (Narayana and Atomikos are JVM-wide singletons).
 *
 * <p>Scenario: 4 threads, each with its own pair of no-op resources (rm-a, rm-b), commit 75
 * transactions each. Expected: every resource prepared and committed in two phases 75 times, no
 * one-phase commit, no rollback; the manager's log directory is gone after tear-down.
 */
abstract class ManagerSmokeContract {
    static final int THREADS = 4;
    static final int TRANSACTIONS_PER_THREAD = 75;

    abstract Manager manager();

    /** Runs the benchmark's trial set-up; a subclass may skip the test when the manager is missing. */
    void start(CoordinatorOverheadBenchmark benchmark) throws Exception {
        benchmark.start();
    }

    /** A durable manager has put its log (files or its store's directories) under its directory. */
    void assertLogWritten(Path directory) throws IOException {
        try (Stream<Path> tree = Files.walk(directory)) {
            assertThat(tree.count()).as("entries under %s", directory).isGreaterThan(1);
        }
    }

    @Test
    void everyTransactionCommitsInTwoPhases() throws Exception {
        CoordinatorOverheadBenchmark benchmark = new CoordinatorOverheadBenchmark();
        benchmark.manager = manager().id();
        List<CoordinatorOverheadBenchmark.Connections> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            start(benchmark);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                CoordinatorOverheadBenchmark.Connections mine = new CoordinatorOverheadBenchmark.Connections();
                mine.open(benchmark);
                connections.add(mine);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < TRANSACTIONS_PER_THREAD; i++) {
                        benchmark.twoBranchCommit(mine);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertLogWritten(benchmark.directory);
        } finally {
            threads.shutdownNow();
            benchmark.stop();
        }

        for (CoordinatorOverheadBenchmark.Connections c : connections) {
            for (NoOpXAResource r : List.of(c.resourceA, c.resourceB)) {
                assertThat(r.prepares()).as("prepares of %s", r).isEqualTo(TRANSACTIONS_PER_THREAD);
                assertThat(r.twoPhaseCommits()).as("commits of %s", r).isEqualTo(TRANSACTIONS_PER_THREAD);
                assertThat(r.onePhaseCommits()).as("one-phase commits of %s", r).isZero();
                assertThat(r.rollbacks()).as("rollbacks of %s", r).isZero();
            }
        }
        assertThat(Files.exists(benchmark.directory))
                .as("log directory deleted")
                .isFalse();
    }
}
