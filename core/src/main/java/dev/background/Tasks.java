package dev.background;

import dev.background.function.AsyncFunction;
import dev.background.internal.CompletedTask;
import dev.background.internal.TaskFuture;
import dev.background.internal.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Working with many tasks at once: Python's {@code concurrent.futures} toolbox
 * ({@code as_completed}, {@code wait}, and asyncio's {@code gather}), Java style. For mapping a
 * function over many inputs, see {@link AsyncFunction#map(java.util.stream.Stream, int)}.
 *
 * <p>Every method blocks only the calling thread, never a worker, and never throws a task's own
 * failure except {@link #gather}, which is meant to. Interruption of a waiting thread throws
 * {@link TaskException} with the {@link InterruptedException} as cause and the interrupt status
 * set.
 */
public final class Tasks {
    private Tasks() {}

    /**
     * A task that has already succeeded with the given value, as
     * {@link java.util.concurrent.CompletableFuture#completedFuture} is for futures: for a method
     * that must return a {@link Task} but has its value at hand, such as a Spring {@code @Async}
     * method declared to return {@code Task<T>} (the task the caller gets is the pool's; this
     * one only carries the value to it). Its callbacks run at once, on the thread that registers
     * them; it cannot be cancelled.
     *
     * @param value the result, may be null
     * @param <T> the type of the result
     * @return a succeeded task named {@code "completed"}
     */
    public static <T extends @Nullable Object> Task<T> completed(T value) {
        return new CompletedTask<>(value);
    }

    /** When {@link #await(Collection, Until, Duration)} returns. */
    public enum Until {
        /** When every task has ended. */
        ALL_COMPLETED,
        /** When any task has ended (or there are none). */
        FIRST_COMPLETED,
        /** When any task has failed (not by cancellation), or else every task has ended. */
        FIRST_FAILURE
    }

    /**
     * What {@link #await} saw when it returned: the tasks that had ended and those still pending,
     * each in the order given, each task once (a task given twice is listed once).
     *
     * @param done the tasks that had ended
     * @param pending the tasks that had not
     * @param <F> the task type
     */
    public record Outcome<F extends Task<?>>(List<F> done, List<F> pending) {
        /** Copies the lists. */
        public Outcome {
            done = List.copyOf(done);
            pending = List.copyOf(pending);
        }
    }

    /**
     * Returns the tasks in the order they end, like Python's {@code as_completed}: iterating
     * blocks until the next one ends. Tasks already ended come first. A task that appears more
     * than once in {@code tasks} (the same object) is yielded once, as Python does. Each call of
     * {@code iterator()} starts a fresh iteration over all the tasks.
     *
     * @param tasks the tasks (a snapshot is taken)
     * @param <F> the task type
     * @return an iterable over the same tasks, each once, in completion order
     * @throws NullPointerException if {@code tasks} or an element is null
     */
    public static <F extends Task<?>> Iterable<F> asCompleted(Collection<? extends F> tasks) {
        List<F> copy = distinct(tasks);
        return () -> new CompletionIterator<>(copy, Long.MAX_VALUE, null);
    }

    /**
     * Like {@link #asCompleted(Collection)}, but the whole iteration must end within
     * {@code timeout}: once it has passed, {@code next()} throws {@link WaitTimeoutException}
     * saying how many tasks are still pending. The tasks themselves go on.
     *
     * @param tasks the tasks (a snapshot is taken)
     * @param timeout the overall limit, counted from each call of {@code iterator()}
     * @param <F> the task type
     * @return an iterable over the same tasks, each once, in completion order
     * @throws NullPointerException if an argument or an element is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <F extends Task<?>> Iterable<F> asCompleted(Collection<? extends F> tasks, Duration timeout) {
        long nanos = Waits.checkTimeout(timeout);
        List<F> copy = distinct(tasks);
        return () -> new CompletionIterator<>(copy, nanos, timeout);
    }

    /**
     * Waits until {@code until} is met or {@code timeout} passes, like Python's
     * {@code concurrent.futures.wait}, and says which tasks had ended.
     *
     * @param tasks the tasks
     * @param until when to return
     * @param timeout the longest wait; on expiry, returns what it saw (it does not throw)
     * @param <F> the task type
     * @return the tasks that had ended and those that had not
     * @throws NullPointerException if an argument or an element is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <F extends Task<?>> Outcome<F> await(Collection<? extends F> tasks, Until until, Duration timeout) {
        Objects.requireNonNull(until, "until");
        long nanos = Waits.checkTimeout(timeout);
        List<F> copy = distinct(tasks);
        CountDownLatch met = new CountDownLatch(1);
        AtomicInteger remaining = new AtomicInteger(copy.size());
        if (copy.isEmpty()) {
            met.countDown();
        }
        List<Runnable> unwatch = new ArrayList<>(copy.size());
        try {
            for (F t : copy) {
                Runnable ended = () -> {
                    boolean failed = t.state() == Future.State.FAILED;
                    if (until == Until.FIRST_COMPLETED
                            || (until == Until.FIRST_FAILURE && failed)
                            || remaining.decrementAndGet() == 0) {
                        met.countDown();
                    }
                };
                if (t instanceof TaskFuture<?> f) {
                    unwatch.add(f.watch(ended)); // removed below: a wait that gives up leaves nothing behind
                } else {
                    t.whenComplete((v, e) -> ended.run());
                }
            }
            met.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            unwatch.forEach(Runnable::run);
        }
        List<F> done = new ArrayList<>();
        List<F> pending = new ArrayList<>();
        for (F t : copy) {
            (t.isDone() ? done : pending).add(t);
        }
        return new Outcome<>(done, pending);
    }

    /**
     * Blocks until every task has ended, successfully or not. Failures are not thrown: look at
     * the tasks, or use {@link #gather}.
     *
     * @param tasks the tasks
     * @throws NullPointerException if {@code tasks} or an element is null
     */
    public static void awaitAll(Collection<? extends Task<?>> tasks) {
        await(tasks, Until.ALL_COMPLETED, Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * Blocks until every task has ended or {@code timeout} has passed.
     *
     * @param tasks the tasks
     * @param timeout the longest wait
     * @return true if every task ended, false if the time ran out first
     * @throws NullPointerException if an argument or an element is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static boolean awaitAll(Collection<? extends Task<?>> tasks, Duration timeout) {
        return await(tasks, Until.ALL_COMPLETED, timeout).pending().isEmpty();
    }

    /**
     * Blocks until any task ends and returns it (the first in the given order among those ended).
     *
     * @param tasks the tasks, not empty
     * @param <F> the task type
     * @return a task that has ended
     * @throws NullPointerException if {@code tasks} or an element is null
     * @throws IllegalArgumentException if {@code tasks} is empty
     */
    public static <F extends Task<?>> F awaitAny(Collection<? extends F> tasks) {
        if (Objects.requireNonNull(tasks, "tasks").isEmpty()) {
            throw new IllegalArgumentException("tasks is empty");
        }
        return await(tasks, Until.FIRST_COMPLETED, Duration.ofNanos(Long.MAX_VALUE))
                .done()
                .get(0);
    }

    /**
     * Waits for every task, then returns their results in the order given, like asyncio's
     * {@code gather}. Fails fast: as soon as any task fails, throws that failure as
     * {@link Task#result()} would (unchecked as is, checked wrapped in {@link TaskException}),
     * without waiting for the others.
     *
     * @param tasks the tasks
     * @param <T> the result type
     * @return the results, in the order of {@code tasks}
     * @throws NullPointerException if {@code tasks} or an element is null
     * @throws java.util.concurrent.CancellationException if a task was cancelled
     */
    public static <T extends @Nullable Object> List<T> gather(Collection<? extends Task<? extends T>> tasks) {
        List<Task<? extends T>> copy = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
        Outcome<Task<? extends T>> outcome = await(copy, Until.FIRST_FAILURE, Duration.ofNanos(Long.MAX_VALUE));
        List<T> results = new ArrayList<>(copy.size());
        for (Task<? extends T> t : outcome.done()) {
            if (t.state() == Future.State.FAILED) {
                t.result(); // throws the failure
            }
        }
        for (Task<? extends T> t : copy) {
            results.add(t.result());
        }
        return results;
    }

    private static <F> List<F> snapshot(Collection<? extends F> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        return List.copyOf(tasks); // rejects null elements with NPE
    }

    /** A snapshot with each task once, by identity (futures are equal only to themselves). */
    private static <F> List<F> distinct(Collection<? extends F> tasks) {
        List<F> copy = snapshot(tasks);
        Set<F> seen = Collections.newSetFromMap(new IdentityHashMap<>(copy.size()));
        List<F> once = new ArrayList<>(copy.size());
        for (F t : copy) {
            if (seen.add(t)) {
                once.add(t);
            }
        }
        return once;
    }

    private static TaskException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TaskException("interrupted while waiting for tasks", e);
    }

    private static final class CompletionIterator<F extends Task<?>> implements Iterator<F> {
        private final LinkedBlockingQueue<F> ended = new LinkedBlockingQueue<>();
        private final long deadline;
        private final @Nullable Duration timeout;
        private int left;

        CompletionIterator(List<F> tasks, long nanos, @Nullable Duration timeout) {
            this.deadline = Waits.deadlineAfter(nanos);
            this.timeout = timeout;
            this.left = tasks.size();
            for (F t : tasks) {
                t.whenComplete((v, e) -> ended.add(t));
            }
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public F next() {
            if (left == 0) {
                throw new NoSuchElementException();
            }
            F t;
            try {
                t = deadline == Long.MAX_VALUE
                        ? ended.take()
                        : ended.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            if (t == null) {
                throw new WaitTimeoutException(left + " task(s) still pending after " + timeout);
            }
            left--;
            return t;
        }
    }
}
