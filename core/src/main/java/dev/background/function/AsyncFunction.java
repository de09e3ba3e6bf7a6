package dev.background.function;

import dev.background.Background;
import dev.background.Task;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A function of one argument that runs in the background: what {@link Background#task} returns.
 * It is a {@code Function<A, Task<R>>}, so {@code inputs.stream().map(f)} submits every input.
 *
 * <p>Calling it submits one call to its pool and returns the call's {@link Task} at once; it
 * never blocks on the work. The option methods ({@link #named}, {@link #timeout}, {@link #limit})
 * return a new function with that option set, sharing the rest: wrapped functions are immutable
 * and may be shared between threads.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
public interface AsyncFunction<A, R> extends Function<A, Task<R>> {

    /**
     * Submits one call.
     *
     * @param a the argument (may be null)
     * @return the call's task, at once
     * @throws java.util.concurrent.RejectedExecutionException if the pool is shut down
     */
    @Override
    Task<R> apply(A a);

    /**
     * Calls this function on every input and returns the results in input order, like Python's
     * {@code Executor.map}, keeping at most {@code 2 n} calls in flight (see
     * {@link #map(Stream, int)}).
     *
     * @param inputs the inputs, read lazily
     * @return the results, in input order
     * @throws NullPointerException if {@code inputs} is null
     */
    Stream<R> map(Iterable<? extends A> inputs);

    /**
     * Same as {@link #map(Iterable)}, for a stream of inputs.
     *
     * @param inputs the inputs, read lazily
     * @return the results, in input order
     * @throws NullPointerException if {@code inputs} is null
     */
    Stream<R> map(Stream<? extends A> inputs);

    /**
     * Calls this function on every input and returns a lazy stream of the results in input
     * order. Inputs are read and submitted only as results are consumed, so that at most
     * {@code maxInFlight} calls are submitted and not yet consumed at any time: mapping ten
     * million inputs never holds ten million futures.
     *
     * <p>Consuming a result blocks until that call ends; a call that failed makes the stream
     * throw its exception when its turn comes (as {@link Task#result()} does). Closing the stream
     * cancels the calls in flight. The stream is sequential and must be consumed by one thread.
     *
     * @param inputs the inputs, read lazily
     * @param maxInFlight the most calls in flight, at least 1
     * @return the results, in input order
     * @throws NullPointerException if {@code inputs} is null
     * @throws IllegalArgumentException if {@code maxInFlight} is less than 1
     */
    Stream<R> map(Stream<? extends A> inputs, int maxInFlight);

    /**
     * Returns this function with a name, used in thread names while a call runs, in
     * {@link Task#name()} and in error messages.
     *
     * @param name the name
     * @return a new function with the name set
     * @throws NullPointerException if {@code name} is null
     */
    AsyncFunction<A, R> named(String name);

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
    AsyncFunction<A, R> timeout(java.time.Duration timeout);

    /**
     * Returns this function with a limit on how many of its calls run at once, under the pool's
     * own {@code n}. Calls over the limit wait in submission order without taking a worker.
     * Each call of this method makes a new, independent limit.
     *
     * @param maxConcurrent the limit, at least 1
     * @return a new function with the limit set
     * @throws IllegalArgumentException if {@code maxConcurrent} is less than 1
     */
    AsyncFunction<A, R> limit(int maxConcurrent);
}
