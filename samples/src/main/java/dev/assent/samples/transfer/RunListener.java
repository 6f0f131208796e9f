package dev.assent.samples.transfer;

import dev.assent.tm.RecoveryReport;
import dev.assent.tm.spi.TransactionListener;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.Xid;

/**
 * Observes the run: adds up what recovery scans did, and, with {@code --crash-after N}, halts the
 * process right after the commit decision of the transfer following the N-th one is forced to
 * the log, before any of its branches commits, so that both databases hold it prepared.
 */
final class RunListener implements TransactionListener {
    /** The exit status of a halted run. */
    static final int CRASH_STATUS = 3;

    private final int crashAfter;
    private final PrintStream out;
    private final AtomicInteger commitDecisions = new AtomicInteger();
    private final AtomicInteger recoveredCommitted = new AtomicInteger();
    private final AtomicInteger recoveredRolledBack = new AtomicInteger();
    private final AtomicReference<Runnable> beforeHalt = new AtomicReference<>(() -> {});

    /** {@code crashAfter}: 0 never crashes. */
    RunListener(int crashAfter, PrintStream out) {
        this.crashAfter = crashAfter;
        this.out = out;
    }

    /** What to do just before halting: stop the embedded servers so that their files are consistent. */
    void beforeHalt(Runnable action) {
        beforeHalt.set(action);
    }

    int recoveredCommitted() {
        return recoveredCommitted.get();
    }

    int recoveredRolledBack() {
        return recoveredRolledBack.get();
    }

    /** Commit decisions of this run so far: what --crash-after counts (rolled-back transfers are not). */
    int commitDecisions() {
        return commitDecisions.get();
    }

    @Override
    public void decided(Xid transactionId, boolean commit) {
        if (!commit) {
            return;
        }
        if (commitDecisions.incrementAndGet() == crashAfter + 1 && crashAfter > 0) {
            out.printf(
                    "%n  --crash-after %d: halting in the middle of a commit (decision logged, branches"
                            + " prepared); run again to recover%n",
                    crashAfter);
            out.flush();
            try {
                beforeHalt.get().run();
            } finally {
                Runtime.getRuntime().halt(CRASH_STATUS);
            }
        }
    }

    @Override
    public void recovered(RecoveryReport report) {
        recoveredCommitted.addAndGet(report.committed().size());
        recoveredRolledBack.addAndGet(report.rolledBack().size());
    }
}
