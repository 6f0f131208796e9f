package dev.assent.tm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the transaction manager logs while a test runs, for tests about the log lines a user reads.
 * The tests log through slf4j-simple, which writes each line to whatever {@code System.err} is at
 * that moment (from any thread); this replaces it, still passing every line on to the original.
 * Tests run one at a time in tm-core, so no other test's lines get in.
 */
public final class CapturedLog implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedLog() {
        this.original = System.err;
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                captured.write(bytes, offset, length);
                original.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing; {@link #close()} puts the original {@code System.err} back. */
    public static CapturedLog start() {
        return new CapturedLog();
    }

    /** Every line logged since {@link #start()}. */
    public List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines logged at {@code level} (WARN, INFO, ...) since {@link #start()}. */
    public List<String> at(String level) {
        return lines().stream()
                .filter(line -> line.contains("] " + level + " "))
                .toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
