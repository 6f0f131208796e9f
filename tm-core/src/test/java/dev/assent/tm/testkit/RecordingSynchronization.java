package dev.assent.tm.testkit;

import jakarta.transaction.Synchronization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Synchronization that writes its callbacks to a shared event list ("r1.beforeCompletion",
 * "i1.afterCompletion(STATUS_COMMITTED)"), so that the order across several synchronizations can
 * be asserted, and that can run an action inside each callback (throw, register another
 * synchronization, look at the transaction's status).
 *
 * <p>Note on concurrency: callbacks may run on the committing thread or on the timeout reaper;
 * the event list is synchronized and the recorded statuses copy-on-write.
 */
public final class RecordingSynchronization implements Synchronization {
    private final String name;
    private final List<String> events;
    private final List<Integer> afterStatuses = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger beforeCalls = new AtomicInteger();
    private volatile Runnable beforeAction = () -> {};
    private volatile Runnable afterAction = () -> {};

    /** {@code events} is shared by the synchronizations of a scenario; see {@link #newEventList()}. */
    public RecordingSynchronization(String name, List<String> events) {
        this.name = name;
        this.events = events;
    }

    /** A thread-safe list to share among synchronizations. */
    public static List<String> newEventList() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    /** Runs {@code action} inside beforeCompletion, after recording the call. */
    public RecordingSynchronization onBeforeCompletion(Runnable action) {
        this.beforeAction = action;
        return this;
    }

    /** Throws {@code failure} from beforeCompletion, after recording the call. */
    public RecordingSynchronization failBeforeCompletion(RuntimeException failure) {
        return onBeforeCompletion(() -> {
            throw failure;
        });
    }

    /** Runs {@code action} inside afterCompletion, after recording the call. */
    public RecordingSynchronization onAfterCompletion(Runnable action) {
        this.afterAction = action;
        return this;
    }

    @Override
    public void beforeCompletion() {
        events.add(name + ".beforeCompletion");
        threads.add(Thread.currentThread().getName());
        beforeCalls.incrementAndGet();
        beforeAction.run();
    }

    @Override
    public void afterCompletion(int status) {
        events.add(name + ".afterCompletion(" + JtaStatus.name(status) + ")");
        threads.add(Thread.currentThread().getName());
        afterStatuses.add(status);
        afterAction.run();
    }

    public int beforeCompletionCalls() {
        return beforeCalls.get();
    }

    /** The status of every afterCompletion call, in order (one, if the manager is right). */
    public List<Integer> afterCompletionStatuses() {
        return new ArrayList<>(afterStatuses);
    }

    /** The threads the callbacks ran on, in order. */
    public List<String> threads() {
        return new ArrayList<>(threads);
    }

    @Override
    public String toString() {
        return "RecordingSynchronization[" + name + "]";
    }
}
