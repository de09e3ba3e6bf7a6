package dev.background.function;

import dev.background.Background;
import dev.background.RetryPolicy;
import dev.background.Task;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A function of no arguments that runs in the background: what {@link Background#task} returns.
 *
 * <p>Calling it submits one call to its pool and returns the call's {@link Task} at once; it
 * never blocks on the work. The option methods ({@link #named}, {@link #timeout}, {@link #limit})
 * return a new function with that option set, sharing the rest: wrapped functions are immutable
 * and may be shared between threads.
 *
 * @param <R> the result type
 */
public interface AsyncCallable<R extends @Nullable Object> extends Supplier<Task<R>> {

    /**
     * Submits one call.
     *
     * @return the call's task, at once
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    Task<R> call();

    /** Same as {@link #call()}, for use where a {@link Supplier} is expected. */
    @Override
    default Task<R> get() {
        return call();
    }

    /**
     * Returns this function with a name, used in thread names while a call runs, in
     * {@link Task#name()} and in error messages.
     *
     * @param name the name
     * @return a new function with the name set
     * @throws NullPointerException if {@code name} is null
     */
    AsyncCallable<R> named(String name);

    /**
     * Returns this function with a time limit on each call's run time, counted from when the
     * call starts (time spent queued does not count). When a call runs past it, its task fails at
     * once, and the call is interrupted. The failure is a
     * {@link java.util.concurrent.TimeoutException} with the message "task 'NAME' of pool 'POOL'
     * ran past its time limit of PT10S and was interrupted" (NAME as in {@link #named}, the
     * limit as {@link java.time.Duration#toString()} writes it): {@link Task#exception()} returns
     * it; {@link Task#result()} throws it wrapped in a {@link dev.background.TaskException} (it
     * is a checked exception) whose message is the {@code TimeoutException}'s
     * {@code toString()}; {@code get()} throws it wrapped in an
     * {@link java.util.concurrent.ExecutionException}, and {@code toCompletableFuture().join()}
     * in a {@link java.util.concurrent.CompletionException}, each with it as the cause. The
     * task's {@code state()} is {@code FAILED}, not {@code CANCELLED}. (A
     * {@link dev.background.WaitTimeoutException} is something else: a wait such as
     * {@code result(Duration)} that gave up while the task goes on.)
     *
     * <p>On the in-JVM kinds, a call that ignores the interrupt goes on running, holding its
     * worker (and its {@link #limit} permit) until it returns, and what it returns then is
     * dropped; worker processes instead replace a worker whose call does not stop within their
     * grace period.
     *
     * <p>With a {@link #retry} policy the limit applies to each attempt, not to their sum: an
     * attempt past it is interrupted, and once it returns (whatever it returns) counts as failed
     * with a {@link java.util.concurrent.TimeoutException}, which the policy may retry.
     *
     * @param timeout the limit, greater than zero
     * @return a new function with the limit set
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    AsyncCallable<R> timeout(java.time.Duration timeout);

    /**
     * Returns this function with a limit on how many of its calls run at once, under the pool's
     * own {@code n}. Calls over the limit wait in submission order without taking a worker.
     * Each call of this method makes a new, independent limit.
     *
     * @param maxConcurrent the limit, at least 1
     * @return a new function with the limit set
     * @throws IllegalArgumentException if {@code maxConcurrent} is less than 1
     */
    AsyncCallable<R> limit(int maxConcurrent);

    /**
     * Returns this function with a retry policy: a call that fails is tried again as the policy
     * says, as the same {@link Task}, without holding a worker during the backoff
     * ({@code fetch.retry(policy).call()}). A {@link #timeout} limits each attempt. It replaces the pool's
     * default policy for this function; {@link RetryPolicy#none()} turns retries off. See
     * {@link RetryPolicy} for what is retried and how the task ends.
     *
     * @param policy the policy
     * @return a new function with the policy set
     * @throws NullPointerException if {@code policy} is null
     */
    AsyncCallable<R> retry(RetryPolicy policy);

    /**
     * Returns this function with a start delay: each call returns its {@link Task} at once and
     * is handed to the pool's workers {@code delay} later ({@code report.after(Duration.ofMinutes(5)).call()}). No worker is
     * held while it waits, on any kind; a {@code cancel} during the wait means the call never
     * runs. A pool's {@code shutdown} lets waiting calls run when their time comes
     * ({@code close} waits for them); {@code shutdownNow} cancels them. The delay starts at each
     * call; with a {@link #retry} policy, the backoffs come on top of it.
     *
     * @param delay zero or more
     * @return a new function with the delay set
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    AsyncCallable<R> after(java.time.Duration delay);
}
