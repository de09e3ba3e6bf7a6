package dev.background.internal;

import dev.background.function.CheckedCallable;
import dev.background.ExecutorKind;
import dev.background.Task;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The state of one pool behind {@link dev.background.BackgroundPool}: its engine, its callbacks,
 * its recent tasks, and the lifecycle that makes shutdown lose nothing.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li>{@code unfinished} counts tasks submitted and not yet settled. A submit increments it
 * <em>before</em> reading {@code shutdown}; a shutdown sets {@code shutdown} before reading it. So
 * either the submit sees the shutdown and backs out, or the shutdown sees the task.
 * <li>The engine itself is shut down only when {@code unfinished} reaches zero after
 * {@code shutdown}: tasks waiting for a per-function {@link Gate} permit are handed to the engine
 * later than their submit, and must not be rejected by an engine that stopped early.
 * <li>Callbacks are a copy-on-write list: registration is rare, iteration happens for every task.
 * They run in the thread that settles the task, after the future is complete.
 * </ul>
 */
public final class PoolCore {
    private final String name;
    private final ExecutorKind kind;
    private final Engine engine;
    private final RecentTasks recent;
    private final CopyOnWriteArrayList<Consumer<? super Task<?>>> callbacks = new CopyOnWriteArrayList<>();
    private final AtomicLong unfinished = new AtomicLong();
    private volatile boolean shutdown;
    /** Opens once shutdown is set and no task is unfinished; the engine is shut down then. */
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile int n;
    private final boolean recordSubmitSite;
    private final boolean awaitAtExit;
    private static final StackWalker SUBMIT_SITE = StackWalker.getInstance();

    public PoolCore(String name, ExecutorKind kind, int n, int keepResults,
                    List<Consumer<? super Task<?>>> initialCallbacks, boolean awaitAtExit) {
        this.name = name;
        this.kind = kind;
        this.n = n;
        this.recent = new RecentTasks(keepResults);
        this.callbacks.addAll(initialCallbacks);
        this.recordSubmitSite = kind.recordsSubmitSite();
        this.engine = kind.open(name, n);
        this.awaitAtExit = awaitAtExit;
        if (awaitAtExit) {
            ExitGuard.register(this);
        }
    }

    public String name() {
        return name;
    }

    public ExecutorKind kind() {
        return kind;
    }

    Engine engine() {
        return engine;
    }

    public int n() {
        return n;
    }

    public synchronized void resize(int newN) {
        n = newN;
        engine.resize(newN);
    }

    /**
     * Submits one call.
     *
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> TaskFuture<T> submit(CheckedCallable<T> call, CallOptions options) {
        TaskFuture<T> task = new TaskFuture<>(this, call, options);
        if (recordSubmitSite) {
            task.submitSite = SUBMIT_SITE.walk(frames -> frames
                    .dropWhile(f -> isLibraryFrame(f.getClassName()))
                    .limit(32).map(StackWalker.StackFrame::toStackTraceElement)
                    .toArray(StackTraceElement[]::new));
        }
        unfinished.incrementAndGet();
        if (shutdown) {
            if (unfinished.decrementAndGet() == 0) {
                onDrained();
            }
            throw rejected();
        }
        recent.add(task);
        try {
            task.submitTo(engine);
        } catch (RejectedExecutionException e) {
            task.settle(null, e);
            throw e;
        } catch (RuntimeException | Error refused) {
            // The engine could not take this job (say, it cannot be serialised for another
            // process): the task fails at once with the engine's explanation, nothing hangs.
            task.settle(null, refused);
        }
        return task;
    }

    private static boolean isLibraryFrame(String className) {
        return className.startsWith("dev.background.internal.")
                || className.equals("dev.background.BackgroundPool")
                || className.equals("dev.background.Background");
    }

    RejectedExecutionException rejected() {
        return new RejectedExecutionException("background pool '" + name
                + "' is shut down and takes no new tasks; submit to a pool that is open, or build a new one");
    }

    /** Called exactly once per task, by the thread that settled it. */
    void taskEnded(TaskFuture<?> task) {
        for (Consumer<? super Task<?>> cb : callbacks) {
            Log.runCallback(cb, task);
        }
        if (unfinished.decrementAndGet() == 0 && shutdown) {
            onDrained();
        }
    }

    private void onDrained() {
        if (awaitAtExit) {
            ExitGuard.unregister(this);
        }
        drained.countDown();
        engine.shutdown();
    }

    public Runnable addCallback(Consumer<? super Task<?>> callback) {
        callbacks.add(callback);
        return () -> callbacks.remove(callback);
    }

    public List<Task<?>> results() {
        return recent.snapshot();
    }

    public long unfinished() {
        return unfinished.get();
    }

    // ---------------------------------------------------------------- lifecycle

    public void shutdown() {
        shutdown = true;
        if (unfinished.get() == 0) {
            onDrained();
        }
    }

    /** Cancels every queued task, interrupts running ones, and returns those that never started. */
    public List<Runnable> shutdownNow() {
        shutdown = true;
        // Identity set: a task may be seen both here and among the engine's queued jobs.
        Set<Runnable> neverStarted = Collections.newSetFromMap(new IdentityHashMap<>());
        // First, before the engine stops, what the pool knows: calls not yet begun are cancelled
        // (one waiting at its function's limit is so not handed to a stopped engine and refused);
        // running ones are marked cancelled but interrupted only after the engine has stopped, so
        // that their workers take no queued call meanwhile and their end is a cancellation.
        List<TaskFuture<?>> running = new ArrayList<>();
        for (Task<?> t : recent.snapshot()) {
            if (t instanceof TaskFuture<?> f) {
                if (f.cancelIfNotBegun()) {
                    neverStarted.add(f);
                } else {
                    f.cancelBeforeInterrupt();
                    running.add(f);
                }
            }
        }
        for (Job job : engine.shutdownNow()) {
            if (job instanceof TaskFuture<?> t) {
                if (t.cancel(false)) {
                    neverStarted.add(t);
                }
                t.releasePermit(); // the engine is done with it: a call waiting at its gate may go on
            }
        }
        running.forEach(TaskFuture::interruptAfterCancel);
        for (Task<?> t : recent.snapshot()) { // any that got past the shutdown flag meanwhile
            t.cancel(true);
        }
        if (unfinished.get() == 0) {
            onDrained();
        }
        return new ArrayList<>(neverStarted);
    }

    public boolean isShutdown() {
        return shutdown;
    }

    public boolean isTerminated() {
        return shutdown && unfinished.get() == 0 && engine.isTerminated();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = Waits.deadlineAfter(unit.toNanos(timeout));
        return drained.await(timeout, unit)
                && engine.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
