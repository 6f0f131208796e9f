package dev.assent.xa.campaign;

import dev.assent.xa.support.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CampaignChild} while it runs: the parent waits for the lines it prints, writes it
 * orders, and kills it with SIGKILL ({@link Process#destroyForcibly()} on Linux).
 *
 * <p>Note on concurrency: {@code lines} is written by the reader thread and read by the test
 * thread, both under the monitor of {@code lines}.
 */
final class RunningChild {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private RunningChild(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "campaign-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static RunningChild start(List<String> args) {
        try {
            Process process = new ProcessBuilder(ChildJvm.command(CampaignChild.class, args))
                    .redirectErrorStream(true)
                    .start();
            return new RunningChild(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the campaign's child JVM", e);
        }
    }

    private void readOutput() {
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the child was killed while we read: its output simply ends
        }
        synchronized (lines) {
            lines.add(null);
            lines.notifyAll();
        }
    }

    /**
     * Waits until the child prints a line starting with {@code prefix} and returns it.
     *
     * @throws IllegalStateException when the child ends, or takes longer than {@code seconds}
     */
    String await(String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String line = lines.get(seen);
                    if (line == null) {
                        throw new IllegalStateException("the child ended before printing " + prefix + ":\n" + output());
                    }
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "the child did not print " + prefix + " within " + seconds + " s:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** The last line printed so far that starts with one of {@code prefixes}, or "" when none. */
    String lastOf(String... prefixes) {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                for (String prefix : prefixes) {
                    if (line != null && line.startsWith(prefix)) {
                        return line;
                    }
                }
            }
        }
        return "";
    }

    /** Every line printed so far that starts with {@code prefix}. */
    List<String> all(String prefix) {
        List<String> found = new ArrayList<>();
        synchronized (lines) {
            for (String line : lines) {
                if (line != null && line.startsWith(prefix)) {
                    found.add(line);
                }
            }
        }
        return found;
    }

    void send(String order) {
        try {
            Writer input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            input.write(order + "\n");
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the child:\n" + output(), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits for the process and for the end of its output. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        endOfOutput();
    }

    /** Waits for the child to exit on its own; its exit code. */
    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            kill();
            throw new IllegalStateException("the child did not exit within " + seconds + " s:\n" + output());
        }
        endOfOutput();
        return process.exitValue();
    }

    private void endOfOutput() throws InterruptedException {
        process.waitFor();
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** Everything the child printed, for assertion messages. */
    String output() {
        synchronized (lines) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                if (line != null) {
                    text.append(line).append('\n');
                }
            }
            return text.toString();
        }
    }
}
