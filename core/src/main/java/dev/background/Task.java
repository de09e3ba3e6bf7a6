package dev.background;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The future of one call submitted to the background: a {@link Future} and a
 * {@link CompletionStage}, so it works with everything that takes a {@code CompletableFuture},
 * plus the vocabulary of Python's {@code concurrent.futures} on top.
 *
 * <p>The JDK's own methods keep their contracts: {@link #state()}, {@link #resultNow()},
 * {@link #exceptionNow()}, {@link #get()} (which wraps a failure in an
 * {@link java.util.concurrent.ExecutionException}) and every {@code CompletionStage} method. A
 * task's failure is always the original exception thrown by the function, with its stack trace,
 * never a wrapper.
 *
 * <p><b>Cancellation.</b> {@link #cancel(boolean) cancel(false)} settles the future as cancelled;
 * a task cancelled before it starts never runs. {@code cancel(true)} also interrupts the task if it
 * is running (on threads: the thread running it; on worker processes: the thread inside the
 * worker). The interrupt is delivered only while that task runs, never to the next task of the
 * same worker.
 *
 * <p><b>Memory consistency.</b> Everything the task's function did happens-before a successful
 * return from {@link #result()}, {@link #get()}, {@link #toCompletableFuture()}{@code .join()} or the running of any
 * callback on this task.
 *
 * @param <T> the type of the result ({@link Void} for functions that return nothing)
 */
public interface Task<T extends @Nullable Object> extends Future<T>, CompletionStage<T> {

    /**
     * Waits if necessary for the task to end and returns its result, like Python's
     * {@code Future.result()}.
     *
     * <p>Blocks the calling thread until the task ends. Interruption while waiting throws
     * {@link TaskException} with an {@link InterruptedException} as its cause and leaves the
     * thread's interrupt status set.
     *
     * @return the result of the function
     * @throws CancellationException if the task was cancelled
     * @throws RuntimeException the task's own unchecked exception, as it was thrown
     * @throws Error the task's own error, as it was thrown
     * @throws TaskException if the task threw a checked exception (kept as the cause) or the
     *     wait was interrupted
     */
    T result();

    /**
     * Like {@link #result()}, but waits at most {@code timeout}.
     *
     * @param timeout the longest time to wait; zero means do not wait
     * @return the result of the function
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws WaitTimeoutException if the task has not ended within {@code timeout}; the task
     *     goes on running
     * @throws CancellationException if the task was cancelled
     * @throws TaskException if the task threw a checked exception, or the wait was interrupted
     */
    T result(Duration timeout);

    /**
     * Waits if necessary for the task to end and returns its exception, like Python's
     * {@code Future.exception()}.
     *
     * @return the exception the function threw, or {@code null} if it returned normally
     * @throws CancellationException if the task was cancelled
     * @throws TaskException if the wait was interrupted
     */
    @Nullable
    Throwable exception();

    /**
     * Like {@link #exception()}, but waits at most {@code timeout}.
     *
     * @param timeout the longest time to wait
     * @return the exception the function threw, or {@code null} if it returned normally
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws WaitTimeoutException if the task has not ended within {@code timeout}
     * @throws CancellationException if the task was cancelled
     */
    @Nullable
    Throwable exception(Duration timeout);

    /**
     * Runs {@code callback} once with this task when it ends, successfully, by failure or by
     * cancellation, like Python's {@code add_done_callback}.
     *
     * <p>If the task has already ended, the callback runs at once in the calling thread;
     * otherwise it runs in the thread that ends the task (the worker thread, the cancelling
     * thread, or an executor kind's I/O thread), so it should be quick. A callback that throws
     * is logged through {@link System.Logger} and harms neither the task nor other callbacks.
     *
     * @param callback what to run
     * @return this task
     * @throws NullPointerException if {@code callback} is null
     */
    Task<T> onDone(Consumer<? super Task<T>> callback);

    /**
     * The name of the function this task calls: the one given with {@code named(..)} on a
     * wrapped function, or {@code "task"}.
     *
     * @return the name, never null
     */
    String name();

    /**
     * When and where this task ran so far: submitted, started, ended, queue wait, run time,
     * attempt and the thread, worker process or cluster member. A snapshot; never blocks, and
     * works on every executor kind.
     *
     * @return the timings as of now
     */
    TaskTimings timings();

    /**
     * The number of the current attempt of this task's call, from 1. It grows only for a call
     * retried by a {@link RetryPolicy}: while an attempt runs, it is that attempt's number; during
     * the backoff before a retry, the number of the attempt waited for (which it keeps if the
     * task is cancelled then); once the task has ended otherwise, the number of its last attempt.
     * A task that succeeded at its third attempt says 3. Any thread may read it; it does not
     * block.
     *
     * @return at least 1; a moment's snapshot
     */
    int attempt();
}
