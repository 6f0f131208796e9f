package dev.assent.samples.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sample's main class run as its own process, as a user runs it: standard output and error go
 * to one file, which the test reads while the process runs and after it ends. The child gets
 * this test's class path and no console, so it behaves as it does with its output piped.
 */
public final class SampleProcess {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Process process;
    private final Path output;

    private SampleProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code mainClass} with {@code args}; its output goes to a new file under {@code outputDir}. */
    public static SampleProcess start(Path outputDir, Class<?> mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(classPath).contains(File.pathSeparator);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", classPath, mainClass.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(outputDir);
            Path output = outputDir.resolve("run-" + RUNS.incrementAndGet() + ".txt");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            return new SampleProcess(process, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code mainClass} to its end (at most {@code limit}) and returns its exit status and output. */
    public static Result run(Path outputDir, Duration limit, Class<?> mainClass, String... args) {
        SampleProcess process = start(outputDir, mainClass, List.of(args));
        return process.awaitExit(limit);
    }

    /** Waits for the process to end by itself; kills it and fails the test when it takes longer than {@code limit}. */
    public Result awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the sample did not end within " + limit + "; its output:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while waiting for the sample", e);
        }
        return new Result(process.exitValue(), output());
    }

    /** Waits until the output contains {@code text}; fails when the process ends first or {@code limit} passes. */
    public void awaitOutput(String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("the sample ended (status " + process.exitValue() + ") before printing '"
                        + text + "'; its output:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the sample did not print '" + text + "' within " + limit + "; its output:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** Kills the process as {@code kill -9} does: no shutdown hook runs, children are left alone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a finished run ended. */
    public record Result(int exitStatus, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }
    }
}
