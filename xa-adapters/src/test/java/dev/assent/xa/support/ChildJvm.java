package dev.assent.xa.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a child JVM on the test class path and waits for it to end. */
public final class ChildJvm {
    private ChildJvm() {}

    /** What the child did: its exit code and everything it printed. */
    public record Outcome(int exitCode, String output) {}

    public static Outcome run(Path workDirectory, Class<?> mainClass, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = command(mainClass, args);
        Path output = Files.createTempFile(workDirectory, "child-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("child JVM did not end within 90 s:\n" + Files.readString(output));
        }
        return new Outcome(process.exitValue(), Files.readString(output));
    }

    /** The command line that runs {@code mainClass} with {@code args} in a JVM on the test class path. */
    public static List<String> command(Class<?> mainClass, List<String> args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(
                List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass.getName()));
        command.addAll(args);
        return command;
    }
}
