package dev.assent.samples.transfer;

import java.io.PrintStream;
import java.util.function.IntSupplier;

/** Redraws one line on the console while the transfers run. */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 40;

    private final PrintStream out;
    private final int total;
    private final IntSupplier done;
    private final Thread painter;
    private volatile boolean running = true;

    ProgressBar(PrintStream out, int total, IntSupplier done) {
        this.out = out;
        this.total = total;
        this.done = done;
        this.painter = new Thread(this::paintUntilClosed, "progress-bar");
        painter.setDaemon(true);
        painter.start();
    }

    private void paintUntilClosed() {
        while (running) {
            paint();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void paint() {
        int finished = Math.min(total, done.getAsInt());
        int filled = total == 0 ? WIDTH : (int) ((long) finished * WIDTH / total);
        out.print("\r  [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + finished + "/" + total);
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
        paint();
        out.println();
    }
}
