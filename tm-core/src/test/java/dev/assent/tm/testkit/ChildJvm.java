package dev.assent.tm.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a child JVM, for tests that prove crash safety by
 * letting a real process die. Its output goes to a file, quoted in the failure message when the
 * child does not end as expected.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** What the child did: its exit code and everything it printed. */
    public record Outcome(int exitCode, String output) {}

    /**
     * Runs {@code mainClass} with {@code args}, its output in {@code output}, and waits at most a
     * minute for it to end.
     *
     * @throws AssertionError when the child is still running after a minute (it is then killed)
     */
    public static Outcome run(Path output, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            throw new AssertionError(
                    "the child JVM did not finish within 60 s:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Outcome(child.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
