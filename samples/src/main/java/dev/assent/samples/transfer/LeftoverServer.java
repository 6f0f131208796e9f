package dev.assent.samples.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An embedded server that an earlier run started and never stopped, because that run was killed
 * (kill -9 runs no shutdown hook). Left alone it holds its data directory, and the next run's
 * server waits a minute for a lock it never gets. Found through the pid file the server keeps,
 * checked in /proc (the process runs the server's program, with the data directory as its working
 * directory, which both servers change to at start), and stopped as an operator would: a shutdown
 * signal, then a harder one if it takes too long. The caller holds the data directory's lock, so
 * the server cannot belong to a run still going on. Linux only, as are the embedded binaries.
 */
final class LeftoverServer {
    private static final Path PROC = Path.of("/proc");
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /** The servers the sample embeds, with the signals that stop them. */
    enum Kind {
        /** SIGINT is PostgreSQL's fast shutdown (sessions ended, prepared transactions kept); SIGQUIT its immediate one. */
        POSTGRES("PostgreSQL", Set.of("postgres"), "INT", "QUIT"),
        /** SIGTERM is MariaDB's normal shutdown; after SIGKILL InnoDB recovers as after a crash, prepared XA kept. */
        MARIADB("MariaDB", Set.of("mariadbd", "mysqld"), "TERM", "KILL");

        private final String label;
        private final Set<String> programs;
        private final String shutdownSignal;
        private final String killSignal;

        Kind(String label, Set<String> programs, String shutdownSignal, String killSignal) {
            this.label = label;
            this.programs = programs;
            this.shutdownSignal = shutdownSignal;
            this.killSignal = killSignal;
        }
    }

    private LeftoverServer() {}

    /**
     * Stops the server {@code pidFile} names when it still runs on {@code dataDir}, and waits for it
     * to exit. A pid file that names no running process, or a process that is not that server, is
     * stale and removed.
     *
     * @return the pid of the server stopped; empty when there was none
     * @throws RunRefused when the process cannot be inspected, or does not exit after both signals
     */
    static OptionalLong stopIfRunning(Kind kind, Path pidFile, Path dataDir) throws IOException, RunRefused {
        if (!Files.isDirectory(PROC.resolve("self"))) {
            return OptionalLong.empty();
        }
        OptionalLong pid = readPid(pidFile);
        if (pid.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return OptionalLong.empty();
        }
        long server = pid.getAsLong();
        if (!running(server) || !isServer(kind, server, dataDir, pidFile)) {
            Files.deleteIfExists(pidFile);
            return OptionalLong.empty();
        }
        signal(server, kind.shutdownSignal);
        if (!exited(server, SHUTDOWN_WAIT)) {
            signal(server, kind.killSignal);
            if (!exited(server, KILL_WAIT)) {
                throw new RunRefused(String.format(
                        Locale.ROOT,
                        "the %s server an earlier run left running on %s (pid %d) did not stop within %d s;"
                                + " stop it yourself (kill -9 %d) and run again",
                        kind.label,
                        dataDir,
                        server,
                        SHUTDOWN_WAIT.plus(KILL_WAIT).toSeconds(),
                        server));
            }
        }
        // After a shutdown the server has removed its pid file; after a kill it is stale.
        Files.deleteIfExists(pidFile);
        return pid;
    }

    /**
     * Waits until {@code pid} has exited; true once it has. A process that exited but was not yet
     * reaped (its parent, the killed run, is gone) counts as exited.
     */
    static boolean exited(long pid, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !running(pid);
            }
        }
        return true;
    }

    /** The pid on the first line of {@code pidFile}; empty when the file is missing or holds no number. */
    static OptionalLong readPid(Path pidFile) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** True while {@code pid} is a process that has not exited (a zombie has). */
    private static boolean running(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return false;
        }
        // "pid (command) state ...": the command may hold spaces and parentheses, the state follows the last ')'.
        int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 >= stat.length()) {
            return false;
        }
        char state = stat.charAt(end + 2);
        return state != 'Z' && state != 'X';
    }

    private static boolean isServer(Kind kind, long pid, Path dataDir, Path pidFile) throws RunRefused {
        Path process = PROC.resolve(Long.toString(pid));
        try {
            Path executable = Files.readSymbolicLink(process.resolve("exe")).getFileName();
            String program = executable == null ? "" : executable.toString().replace(" (deleted)", "");
            return kind.programs.contains(program) && Files.isSameFile(process.resolve("cwd"), dataDir);
        } catch (NoSuchFileException e) {
            return false; // exited meanwhile
        } catch (IOException | SecurityException e) {
            throw new RunRefused(String.format(
                    Locale.ROOT,
                    "%s names pid %d, a running process this run cannot inspect (%s); if it is not a %s server"
                            + " on %s, delete %s and run again",
                    pidFile,
                    pid,
                    e.getMessage(),
                    kind.label,
                    dataDir,
                    pidFile));
        }
    }

    private static void signal(long pid, String signal) throws IOException {
        // The shell's own kill: Java can send only SIGTERM and SIGKILL, and PostgreSQL's fast shutdown is SIGINT.
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + pid)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
