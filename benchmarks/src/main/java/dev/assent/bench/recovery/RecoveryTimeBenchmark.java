package dev.assent.bench.recovery;

import dev.assent.bench.BenchDirectories;
import dev.assent.bench.report.RecoveryCsv;
import dev.assent.bench.report.RecoveryMeasurement;
import dev.assent.bench.report.RecoverySection;
import dev.assent.bench.report.RunMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Recovery time after a crash (issue 5): for each manager and resource commit mode, {@code repeats}
 * times, a {@link CrashingRun} JVM leaves N in-doubt two-branch transactions, then a fresh {@link
 * RecoveringRun} JVM recovers them and reports how long it took. Writes {@code recovery.csv} and the
 * recovery section of {@code results.md} into the output directory.
 *
 * <pre>
 * RecoveryTimeBenchmark --out DIR [--transactions N] [--repeats R] [--managers id,...]
 *     [--resource-commit forced,written] [--crash-threads T] [--jfr DIR] [--keep] [--title TEXT]
 * </pre>
 *
 * Defaults: 10,000 transactions, 3 repeats, managers {@code assent-file,narayana-journal,
 * narayana-shadow}, both commit modes, 4 crash threads. Work directories go under {@code
 * -Dassent.bench.dir}, deleted after each round unless {@code --keep}. {@code --jfr} records a
 * flight recording (profile settings) of every recovering JVM into DIR.
 */
public final class RecoveryTimeBenchmark {
    /** What one benchmark run does. */
    public record Settings(
            int transactions,
            int repeats,
            List<RecoveryTarget> targets,
            List<ResourceCommit> commitModes,
            int crashThreads,
            Optional<Path> jfrDirectory,
            String classpath,
            List<String> extraJvmArguments,
            Duration childTimeout,
            boolean keepWorkDirectories) {
        public Settings {
            targets = List.copyOf(targets);
            commitModes = List.copyOf(commitModes);
            extraJvmArguments = List.copyOf(extraJvmArguments);
            if (transactions < 1 || repeats < 1 || crashThreads < 1) {
                throw new IllegalArgumentException("transactions, repeats and crash threads must be positive");
            }
        }

        /** The defaults: 10,000 transactions, 3 repeats, every manager and mode, this JVM's classpath. */
        public static Settings defaults() {
            return new Settings(
                    10_000,
                    3,
                    List.of(RecoveryTarget.values()),
                    List.of(ResourceCommit.values()),
                    4,
                    Optional.empty(),
                    System.getProperty("java.class.path"),
                    List.of(),
                    Duration.ofMinutes(20),
                    false);
        }

        public Settings withTransactions(int n) {
            return new Settings(
                    n,
                    repeats,
                    targets,
                    commitModes,
                    crashThreads,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        public Settings withRepeats(int n) {
            return new Settings(
                    transactions,
                    n,
                    targets,
                    commitModes,
                    crashThreads,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        public Settings withTargets(List<RecoveryTarget> list) {
            return new Settings(
                    transactions,
                    repeats,
                    list,
                    commitModes,
                    crashThreads,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        public Settings withCommitModes(List<ResourceCommit> list) {
            return new Settings(
                    transactions,
                    repeats,
                    targets,
                    list,
                    crashThreads,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        public Settings withCrashThreads(int n) {
            return new Settings(
                    transactions,
                    repeats,
                    targets,
                    commitModes,
                    n,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        public Settings withJfr(Path directory) {
            return new Settings(
                    transactions,
                    repeats,
                    targets,
                    commitModes,
                    crashThreads,
                    Optional.of(directory),
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    keepWorkDirectories);
        }

        /** Leaves each round's work directory (log, stores, the children's output) in place. */
        public Settings keepingWorkDirectories() {
            return new Settings(
                    transactions,
                    repeats,
                    targets,
                    commitModes,
                    crashThreads,
                    jfrDirectory,
                    classpath,
                    extraJvmArguments,
                    childTimeout,
                    true);
        }

        /** The child JVMs' classpath and extra arguments (a test passes surefire's, and its agents). */
        public Settings withChildJvm(String childClasspath, List<String> arguments) {
            return new Settings(
                    transactions,
                    repeats,
                    targets,
                    commitModes,
                    crashThreads,
                    jfrDirectory,
                    childClasspath,
                    arguments,
                    childTimeout,
                    keepWorkDirectories);
        }
    }

    private static final List<String> HEAP = List.of("-Xms1g", "-Xmx1g");

    private RecoveryTimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.defaults();
        Path out = null;
        String title = "";
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--out" -> out = Path.of(value(args, ++i, option));
                case "--title" -> title = value(args, ++i, option);
                case "--transactions" ->
                    settings = settings.withTransactions(Integer.parseInt(value(args, ++i, option)));
                case "--repeats" -> settings = settings.withRepeats(Integer.parseInt(value(args, ++i, option)));
                case "--crash-threads" ->
                    settings = settings.withCrashThreads(Integer.parseInt(value(args, ++i, option)));
                case "--managers" ->
                    settings = settings.withTargets(
                            Arrays.stream(value(args, ++i, option).split(","))
                                    .map(String::trim)
                                    .map(RecoveryTarget::byId)
                                    .toList());
                case "--resource-commit" ->
                    settings = settings.withCommitModes(
                            Arrays.stream(value(args, ++i, option).split(","))
                                    .map(String::trim)
                                    .map(ResourceCommit::byId)
                                    .toList());
                case "--jfr" -> settings = settings.withJfr(Path.of(value(args, ++i, option)));
                case "--keep" -> settings = settings.keepingWorkDirectories();
                default ->
                    throw new IllegalArgumentException(
                            "unknown option " + option + "; usage: RecoveryTimeBenchmark"
                                    + " --out DIR [--transactions N] [--repeats R] [--managers id,...]"
                                    + " [--resource-commit forced,written] [--crash-threads T] [--jfr DIR] [--keep] [--title TEXT]");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required (where recovery.csv and results.md go)");
        }
        RunMachine machine = RunMachine.started(BenchDirectories.parent());
        System.out.print("machine:\n" + machine.markdown("logs and stores"));
        Outcome outcome = run(settings, System.out);
        machine = machine.ended();
        System.out.println("load average at the end (1, 5, 15 min): " + machine.loadAtEnd());
        List<Path> written = write(outcome.measurements(), out, title, machine);
        written.forEach(p -> System.out.println("wrote " + p));
        if (!outcome.failures().isEmpty()) {
            throw new IllegalStateException(
                    "recovery benchmark failures:\n  " + String.join("\n  ", outcome.failures()));
        }
    }

    /**
     * What a run measured (every round, then the medians) and what failed, one sentence per manager
     * and commit mode that could not be measured.
     */
    public record Outcome(List<RecoveryMeasurement> measurements, List<String> failures) {
        public Outcome {
            measurements = List.copyOf(measurements);
            failures = List.copyOf(failures);
        }
    }

    /**
     * Runs every round, interleaved (run 1 of every manager and mode, then run 2, ...) so that a
     * disk or a machine whose speed drifts during the benchmark does not favour whoever goes first.
     * A manager and mode that fails once is reported in the outcome and dropped; the others go on.
     */
    public static Outcome run(Settings settings, PrintStream progress) throws InterruptedException {
        List<RecoveryMeasurement> runs = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
            for (RecoveryTarget target : settings.targets()) {
                for (ResourceCommit mode : settings.commitModes()) {
                    String group = target.id() + " (resources " + mode.id() + ")";
                    if (failed.containsKey(group)) {
                        continue;
                    }
                    try {
                        runs.add(round(settings, target, mode, repeat, progress));
                    } catch (IOException | RuntimeException e) {
                        progress.println("FAILED " + group + ": " + e.getMessage());
                        failed.put(group, group + ": " + e.getMessage());
                        runs.removeIf(m -> m.manager().equals(target.id())
                                && m.resourceCommit().equals(mode.id()));
                    }
                }
            }
        }
        return new Outcome(RecoveryMeasurement.withMedians(runs), List.copyOf(failed.values()));
    }

    /**
     * Writes recovery.csv, the machine beside it ({@code recovery-machine.txt}) and the recovery
     * section of results.md into {@code out}.
     */
    public static List<Path> write(List<RecoveryMeasurement> measurements, Path out, String title, RunMachine machine)
            throws IOException {
        Files.createDirectories(out);
        Path csv = out.resolve(RecoveryCsv.FILE);
        Path machineFile = out.resolve(RecoveryCsv.MACHINE_FILE);
        Path markdown = out.resolve("results.md");
        RecoveryCsv.write(measurements, csv);
        machine.write(machineFile);
        RecoverySection.writeInto(
                markdown, RecoverySection.markdown(measurements, Optional.of(machine)), machine, title);
        return List.of(csv, machineFile, markdown);
    }

    private static RecoveryMeasurement round(
            Settings settings, RecoveryTarget target, ResourceCommit mode, int repeat, PrintStream progress)
            throws IOException, InterruptedException {
        Path work = BenchDirectories.create("recovery-" + target.id());
        try {
            String n = Integer.toString(settings.transactions());
            long crashStart = System.nanoTime();
            List<String> crashJvm = new ArrayList<>(HEAP);
            // Every phase-two commit fails on purpose: a warning per branch would only slow the crash.
            crashJvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
            child(
                    settings,
                    crashJvm,
                    CrashingRun.class,
                    work.resolve("crash.log"),
                    CrashingRun.HALTED,
                    target.id(),
                    work.toString(),
                    n,
                    Integer.toString(settings.crashThreads()));
            double crashSeconds = (System.nanoTime() - crashStart) / 1e9;

            List<String> recoverJvm = new ArrayList<>(HEAP);
            if (settings.jfrDirectory().isPresent()) {
                Path jfr = Files.createDirectories(settings.jfrDirectory().get())
                        .toAbsolutePath()
                        .resolve(target.id() + "-" + mode.id() + "-" + repeat + ".jfr");
                recoverJvm.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr);
            }
            Path resultFile = work.resolve("result.properties");
            child(
                    settings,
                    recoverJvm,
                    RecoveringRun.class,
                    work.resolve("recover.log"),
                    0,
                    target.id(),
                    work.toString(),
                    n,
                    mode.id(),
                    resultFile.toString());
            Properties result = new Properties();
            try (Reader in = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
                result.load(in);
            }
            RecoveryMeasurement m = new RecoveryMeasurement(
                    target.id(),
                    mode.id(),
                    settings.transactions(),
                    Integer.toString(repeat),
                    millis(result, "total_ns"),
                    millis(result, "open_ns"),
                    millis(result, "scan_ns"),
                    millis(result, "wait_ns"));
            progress.println(String.format(
                    Locale.ROOT,
                    "%s, resources %s, run %d/%d: crash state in %.1f s; recovered %,d branches in %,.0f ms"
                            + " (open %,.0f, scan %,.0f, wait %,.0f): %,.0f branches/s; load average %s",
                    target.id(),
                    mode.id(),
                    repeat,
                    settings.repeats(),
                    crashSeconds,
                    m.branches(),
                    m.totalMs(),
                    m.openMs(),
                    m.scanMs(),
                    m.waitMs(),
                    m.branchesPerSecond(),
                    loadAverage()));
            return m;
        } finally {
            if (!settings.keepWorkDirectories()) {
                BenchDirectories.delete(work);
            }
        }
    }

    /** The 1-minute load average (other work on the shared machine skews a round), or "unknown". */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8)
                    .split(" ");
            return fields[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double millis(Properties result, String key) throws IOException {
        String value = result.getProperty(key);
        if (value == null) {
            throw new IOException("the recovering JVM's result has no " + key);
        }
        return Long.parseLong(value) / 1e6;
    }

    private static void child(
            Settings settings, List<String> jvmArguments, Class<?> main, Path output, int expectedExit, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArguments);
        command.addAll(settings.extraJvmArguments());
        command.add("-D" + BenchDirectories.PROPERTY + "=" + BenchDirectories.parent());
        command.add("-cp");
        command.add(settings.classpath());
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(settings.childTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IOException(main.getSimpleName() + " did not finish within " + settings.childTimeout()
                    + "; its output: " + tail(output));
        }
        if (process.exitValue() != expectedExit) {
            throw new IOException(main.getSimpleName() + " exited with " + process.exitValue() + " (expected "
                    + expectedExit + "); its output: " + tail(output));
        }
    }

    private static String tail(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
