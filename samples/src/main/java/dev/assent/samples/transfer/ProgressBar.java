package dev.assent.samples.transfer;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Shows how far the transfers are: on a terminal, one line redrawn in place; otherwise (output
 * piped or sent to a file, where a redraw leaves carriage returns in the text) a plain line now
 * and then.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 40;
    private static final long REDRAW_MILLIS = 200;
    private static final long PLAIN_LINE_MILLIS = 10_000;

    private final PrintStream out;
    private final int total;
    private final IntSupplier done;
    private final boolean terminal;
    private final Thread painter;
    private volatile boolean running = true;

    ProgressBar(PrintStream out, int total, IntSupplier done) {
        this.out = out;
        this.total = total;
        this.done = done;
        this.terminal = out == System.out && onTerminal();
        this.painter = new Thread(this::paintUntilClosed, "progress-bar");
        painter.setDaemon(true);
        painter.start();
    }

    /**
     * Whether standard output is a terminal. Up to JDK 21 the console exists only then; later JDKs
     * may give one for redirected output too and say which through {@code Console.isTerminal()},
     * which this JDK 17 build can only reach by name.
     */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private void paintUntilClosed() {
        long interval = terminal ? REDRAW_MILLIS : PLAIN_LINE_MILLIS;
        while (running) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running) {
                paint();
            }
        }
    }

    private void paint() {
        int finished = Math.min(total, done.getAsInt());
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) ((long) finished * WIDTH / total);
            out.print("\r  [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + finished + "/" + total);
        } else {
            out.printf(Locale.ROOT, "  %,d of %,d transfers done%n", finished, total);
        }
        out.flush();
    }

    @Override
    public void close() {
        running = false;
        painter.interrupt();
        try {
            painter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            paint();
            out.println();
        }
    }
}
