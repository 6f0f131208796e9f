package dev.assent.tm.internal.coordinator;

import dev.assent.tm.internal.tx.Branch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one XA verb over the branches of a transaction, in parallel when configured. The calling
 * thread takes the first branch itself, so a two-branch commit costs one hand-off, not two.
 * The pool is bounded; when it is saturated, or already shut down, the caller runs the work
 * (back-pressure, never an unbounded queue, never a dropped task). No lock is held while a resource is called.
 */
final class PhaseRunner implements AutoCloseable {
    private static final int QUEUE_PER_THREAD = 64;

    private final ThreadPoolExecutor executor;

    PhaseRunner(int parallelism) {
        if (parallelism <= 1) {
            executor = null;
            return;
        }
        AtomicInteger threadNumber = new AtomicInteger();
        executor = new ThreadPoolExecutor(
                parallelism,
                parallelism,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(parallelism * QUEUE_PER_THREAD),
                runnable -> {
                    Thread thread = new Thread(runnable, "assent-phase-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                // Run a rejected task here, always: CallerRunsPolicy would silently drop it once the
                // pool is shut down (a commit racing close()), and its Future would never complete.
                (task, pool) -> task.run());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Applies {@code action} to every branch and returns when all are done. */
    void forEach(List<Branch> branches, Consumer<Branch> action) {
        if (executor == null || branches.size() < 2) {
            branches.forEach(action);
            return;
        }
        List<Future<?>> pending = new ArrayList<>(branches.size() - 1);
        for (int i = 1; i < branches.size(); i++) {
            Branch branch = branches.get(i);
            pending.add(executor.submit(() -> action.accept(branch)));
        }
        action.accept(branches.get(0));
        boolean interrupted = false;
        for (Future<?> future : pending) {
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    // A phase already under way must finish: its results decide the outcome.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a branch task failed unexpectedly", e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
