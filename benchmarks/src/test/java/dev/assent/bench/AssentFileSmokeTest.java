package dev.assent.bench;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.assent.bench.managers.Manager;

class AssentFileSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.ASSENT_FILE;
    }

    /** Skips (not fails) while tm-core refuses a durable log: the benchmark then reports no result. */
    @Override
    void start(CoordinatorOverheadBenchmark benchmark) throws Exception {
        try {
            benchmark.start();
        } catch (IllegalArgumentException e) {
            assumeThat(e.getMessage()).as("tm-core's file log is wired").doesNotContain("not available");
            throw e;
        }
    }
}
