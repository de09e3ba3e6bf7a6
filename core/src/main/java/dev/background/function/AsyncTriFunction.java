package dev.background.function;

import dev.background.Background;
import dev.background.Task;

/**
 * A function of three arguments that runs in the background: what {@link Background#task} returns.
 *
 * <p>Calling it submits one call to its pool and returns the call's {@link Task} at once; it
 * never blocks on the work. The option methods ({@link #named}, {@link #timeout}, {@link #limit})
 * return a new function with that option set, sharing the rest: wrapped functions are immutable
 * and may be shared between threads.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 * @param <R> the result type
 */
public interface AsyncTriFunction<A, B, C, R> {

    /**
     * Submits one call.
     *
     * @param a the first argument (may be null)
     * @param b the second argument (may be null)
     * @param c the third argument (may be null)
     * @return the call's task, at once
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    Task<R> apply(A a, B b, C c);

    /**
     * Returns this function with a name, used in thread names while a call runs, in
     * {@link Task#name()} and in error messages.
     *
     * @param name the name
     * @return a new function with the name set
     * @throws NullPointerException if {@code name} is null
     */
    AsyncTriFunction<A, B, C, R> named(String name);

    /**
     * Returns this function with a time limit on each call's run time (not counting time spent
     * queued): a call that runs past it is interrupted, and its future fails with a
     * {@link java.util.concurrent.TimeoutException}.
     *
     * @param timeout the limit, greater than zero
     * @return a new function with the limit set
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    AsyncTriFunction<A, B, C, R> timeout(java.time.Duration timeout);

    /**
     * Returns this function with a limit on how many of its calls run at once, under the pool's
     * own {@code n}. Calls over the limit wait in submission order without taking a worker.
     * Each call of this method makes a new, independent limit.
     *
     * @param maxConcurrent the limit, at least 1
     * @return a new function with the limit set
     * @throws IllegalArgumentException if {@code maxConcurrent} is less than 1
     */
    AsyncTriFunction<A, B, C, R> limit(int maxConcurrent);
}
