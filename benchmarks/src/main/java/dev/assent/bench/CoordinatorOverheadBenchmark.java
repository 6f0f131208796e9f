package dev.assent.bench;

import dev.assent.bench.managers.Manager;
import dev.assent.bench.managers.ManagerUnderTest;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Coordinator overhead: how many two-phase commits per second a manager completes when its two
 * participants cost nothing, so what is measured is the manager (begin, enlist, prepare, the forced
 * commit decision, commit, forget) and its log on this disk.
 *
 * <p>Thread counts come from JMH's {@code -t} (run.sh runs 1 to 256). Each manager runs in a fork
 * of its own: Narayana and Atomikos configure themselves through JVM-wide singletons.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@State(Scope.Benchmark)
public class CoordinatorOverheadBenchmark {

    /** A {@link Manager} id; the smoke test checks this list against the enum. */
    @Param({"assent-file", "assent-memory", "narayana-shadow", "narayana-journal", "atomikos", "geronimo-howl"})
    public String manager;

    Path directory;
    private ManagerUnderTest running;
    private TransactionManager tm;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Manager which =
                Manager.byId(manager).orElseThrow(() -> new IllegalArgumentException("no manager called " + manager));
        directory = BenchDirectories.create(manager);
        running = which.start(directory);
        tm = running.transactionManager();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            BenchDirectories.delete(directory);
        }
    }

    /** One thread's "connections": one resource of each of two resource managers. */
    @State(Scope.Thread)
    public static class Connections {
        final NoOpXAResource resourceA = new NoOpXAResource("rm-a");
        final NoOpXAResource resourceB = new NoOpXAResource("rm-b");
        XAResource first;
        XAResource second;

        @Setup(Level.Trial)
        public void open(CoordinatorOverheadBenchmark benchmark) {
            first = benchmark.running.enlistable(resourceA);
            second = benchmark.running.enlistable(resourceB);
        }
    }

    @Benchmark
    public void twoBranchCommit(Connections connections) throws Exception {
        TwoBranchCommit.run(tm, connections.first, connections.second);
    }
}
