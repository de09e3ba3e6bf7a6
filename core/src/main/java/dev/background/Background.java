package dev.background;

import dev.background.context.ContextPropagator;
import dev.background.function.AsyncBiFunction;
import dev.background.function.AsyncCallable;
import dev.background.function.AsyncFunction;
import dev.background.function.AsyncTriFunction;
import dev.background.function.CheckedBiConsumer;
import dev.background.function.CheckedBiFunction;
import dev.background.function.CheckedCallable;
import dev.background.function.CheckedConsumer;
import dev.background.function.CheckedFunction;
import dev.background.function.CheckedRunnable;
import dev.background.function.CheckedTriConsumer;
import dev.background.function.CheckedTriFunction;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The one-liner entry point: static methods that delegate to a default {@link BackgroundPool},
 * the Java form of Python's {@code background} module.
 *
 * <pre>{@code
 * var longFunc = Background.task((Integer i) -> {      // @background.task
 *     Thread.sleep(10_000);
 *     return i * i;
 * });
 * List<Task<Integer>> futures = IntStream.range(0, 10).mapToObj(longFunc::apply).toList(); // at once
 * int total = futures.stream().mapToInt(Task::result).sum();   // ~10 s with n >= 10, not 100 s
 *
 * Background.n(40);                                            // background.n = 40
 * Background.callback(task -> System.out.println(task.result()));   // @background.callback
 * }</pre>
 *
 * <p>The default pool runs on platform threads, is named {@code "default"}, and is created on
 * first use. Its {@code n} is, in order of precedence: the last {@link #n(int)}; the system
 * property {@code background.n}; the environment variable {@code BACKGROUND_N};
 * {@link Runtime#availableProcessors()}. A property or variable that is not a positive integer
 * makes the first use throw {@link IllegalArgumentException} naming it. Like Python, the JVM waits
 * for its submitted tasks when it exits; an idle default pool never keeps the JVM alive.
 *
 * <p>For anything else (virtual threads, worker processes, several independent pools, closing),
 * build instances with {@link BackgroundPool#builder()}.
 */
public final class Background {
    /** The system property that sets the default pool's {@code n}. */
    public static final String N_PROPERTY = "background.n";
    /** The environment variable that sets the default pool's {@code n}. */
    public static final String N_ENV = "BACKGROUND_N";

    private Background() {}

    /**
     * Created on first use. Not a holder class: a bad {@code background.n} must surface as the
     * documented IllegalArgumentException on every use, not as an ExceptionInInitializerError
     * followed by NoClassDefFoundErrors.
     */
    private static volatile @Nullable BackgroundPool defaultPool;

    private static synchronized BackgroundPool createDefaultPool() {
        BackgroundPool p = defaultPool;
        if (p == null) {
            p = BackgroundPool.builder().name("default").n(configuredN()).build();
            defaultPool = p;
        }
        return p;
    }

    static int configuredN() {
        String prop = System.getProperty(N_PROPERTY);
        if (prop != null) {
            return parseN(prop, "system property " + N_PROPERTY);
        }
        String env = System.getenv(N_ENV);
        if (env != null && !env.isBlank()) {
            return parseN(env, "environment variable " + N_ENV);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static int parseN(String value, String source) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a positive integer, not '" + value + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(source + " must be a positive integer, not " + n);
        }
        return n;
    }

    /**
     * The default pool that the static methods delegate to, created on first use.
     *
     * @return the default pool
     * @throws IllegalArgumentException if {@code background.n} or {@code BACKGROUND_N} is set to
     *     something other than a positive integer
     */
    public static BackgroundPool defaultPool() {
        BackgroundPool p = defaultPool;
        return p != null ? p : createDefaultPool();
    }

    /**
     * Wraps a function of no arguments: calling the result submits a call and returns its
     * {@link Task} at once, like Python's {@code @background.task}.
     *
     * @param fn the function
     * @param <R> its result type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public static <R extends @Nullable Object> AsyncCallable<R> task(CheckedCallable<R> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of one argument (see {@link #task(CheckedCallable)}). Give the lambda's
     * parameter its type, as in {@code task((Integer i) -> i * i)}, so Java can tell it from the
     * overload for functions that return nothing.
     *
     * @param fn the function
     * @param <A> its argument type
     * @param <R> its result type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public static <A extends @Nullable Object, R extends @Nullable Object> AsyncFunction<A, R> task(
            CheckedFunction<A, R> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of two arguments (see {@link #task(CheckedCallable)}).
     *
     * @param fn the function
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <R> its result type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object>
            AsyncBiFunction<A, B, R> task(CheckedBiFunction<A, B, R> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of three arguments (see {@link #task(CheckedCallable)}).
     *
     * @param fn the function
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <C> its third argument type
     * @param <R> its result type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public static <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            AsyncTriFunction<A, B, C, R> task(CheckedTriFunction<A, B, C, R> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of no arguments that returns nothing; its tasks yield {@code null}.
     *
     * @param fn the function
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public static AsyncCallable<@Nullable Void> task(CheckedRunnable fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of one argument that returns nothing; its tasks yield {@code null}.
     *
     * @param fn the function
     * @param <A> its argument type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    @SuppressWarnings("overloads") // by design: a typed lambda's body picks this or the CheckedFunction one
    public static <A extends @Nullable Object> AsyncFunction<A, @Nullable Void> task(CheckedConsumer<A> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of two arguments that returns nothing; its tasks yield {@code null}.
     *
     * @param fn the function
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    @SuppressWarnings("overloads") // by design: a typed lambda's body picks this or the CheckedFunction one
    public static <A extends @Nullable Object, B extends @Nullable Object> AsyncBiFunction<A, B, @Nullable Void> task(
            CheckedBiConsumer<A, B> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Wraps a function of three arguments that returns nothing; its tasks yield {@code null}.
     *
     * @param fn the function
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <C> its third argument type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    @SuppressWarnings("overloads") // by design: a typed lambda's body picks this or the CheckedFunction one
    public static <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object>
            AsyncTriFunction<A, B, C, @Nullable Void> task(CheckedTriConsumer<A, B, C> fn) {
        return defaultPool().task(fn);
    }

    /**
     * Submits one call of {@code fn}, like Python's {@code background.run(f)}.
     *
     * @param fn the function
     * @param <R> its result type
     * @return the call's task, at once
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <R extends @Nullable Object> Task<R> run(CheckedCallable<R> fn) {
        return defaultPool().run(fn);
    }

    /**
     * Submits one call {@code fn(a)}.
     *
     * @param fn the function
     * @param a its argument (may be null)
     * @param <A> its argument type
     * @param <R> its result type
     * @return the call's task, at once
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <A extends @Nullable Object, R extends @Nullable Object> Task<R> run(CheckedFunction<A, R> fn, A a) {
        return defaultPool().run(fn, a);
    }

    /**
     * Submits one call {@code fn(a, b)}.
     *
     * @param fn the function
     * @param a its first argument (may be null)
     * @param b its second argument (may be null)
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <R> its result type
     * @return the call's task, at once
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Task<R> run(
            CheckedBiFunction<A, B, R> fn, A a, B b) {
        return defaultPool().run(fn, a, b);
    }

    /**
     * Submits one call {@code fn(a, b, c)}.
     *
     * @param fn the function
     * @param a its first argument (may be null)
     * @param b its second argument (may be null)
     * @param c its third argument (may be null)
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <C> its third argument type
     * @param <R> its result type
     * @return the call's task, at once
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            Task<R> run(CheckedTriFunction<A, B, C, R> fn, A a, B b, C c) {
        return defaultPool().run(fn, a, b, c);
    }

    /**
     * Submits one call of a function that returns nothing.
     *
     * @param fn the function
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static Task<@Nullable Void> run(CheckedRunnable fn) {
        return defaultPool().run(fn);
    }

    /**
     * Submits one call {@code fn(a)} of a function that returns nothing.
     *
     * @param fn the function
     * @param a its argument (may be null)
     * @param <A> its argument type
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <A extends @Nullable Object> Task<@Nullable Void> run(CheckedConsumer<A> fn, A a) {
        return defaultPool().run(fn, a);
    }

    /**
     * Submits one call {@code fn(a, b)} of a function that returns nothing.
     *
     * @param fn the function
     * @param a its first argument (may be null)
     * @param b its second argument (may be null)
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <A extends @Nullable Object, B extends @Nullable Object> Task<@Nullable Void> run(
            CheckedBiConsumer<A, B> fn, A a, B b) {
        return defaultPool().run(fn, a, b);
    }

    /**
     * Submits one call {@code fn(a, b, c)} of a function that returns nothing.
     *
     * @param fn the function
     * @param a its first argument (may be null)
     * @param b its second argument (may be null)
     * @param c its third argument (may be null)
     * @param <A> its first argument type
     * @param <B> its second argument type
     * @param <C> its third argument type
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws java.util.concurrent.RejectedExecutionException if the default pool is shut down
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object>
            Task<@Nullable Void> run(CheckedTriConsumer<A, B, C> fn, A a, B b, C c) {
        return defaultPool().run(fn, a, b, c);
    }

    /**
     * Calls {@code fn} on every input and returns the results lazily, in input order, with a
     * bounded number of calls in flight; see {@link AsyncFunction#map(Stream, int)}.
     *
     * @param fn the function
     * @param inputs the inputs, read lazily
     * @param <A> the input type
     * @param <R> the result type
     * @return the results in input order
     * @throws NullPointerException if {@code fn} or {@code inputs} is null
     */
    public static <A extends @Nullable Object, R extends @Nullable Object> Stream<R> map(
            CheckedFunction<A, R> fn, Iterable<? extends A> inputs) {
        return defaultPool().map(fn, inputs);
    }

    /**
     * Same as {@link #map(CheckedFunction, Iterable)} for a stream of inputs.
     *
     * @param fn the function
     * @param inputs the inputs, read lazily
     * @param <A> the input type
     * @param <R> the result type
     * @return the results in input order
     * @throws NullPointerException if {@code fn} or {@code inputs} is null
     */
    public static <A extends @Nullable Object, R extends @Nullable Object> Stream<R> map(
            CheckedFunction<A, R> fn, Stream<? extends A> inputs) {
        return defaultPool().map(fn, inputs);
    }

    /**
     * How many tasks run at once, like Python's {@code background.n}.
     *
     * @return the current limit
     */
    public static int n() {
        return defaultPool().n();
    }

    /**
     * Changes how many tasks run at once, while tasks run, as {@link BackgroundPool#n(int)} does:
     * a raise lets queued tasks start at once; a lowering is exact from the moment this method
     * returns (no task starts while {@code n} or more run), and interrupts none of those running.
     *
     * @param n the new limit, at least 1
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static void n(int n) {
        defaultPool().n(n);
    }

    /**
     * Sets the default pool's context propagators, replacing any set before, for calls submitted
     * from now on (those already submitted keep what they captured); with none, it propagates
     * nothing again. What they do, and what happens when one throws: {@link ContextPropagator}
     * and {@link BackgroundPool.Builder#propagate(ContextPropagator[])}.
     *
     * <pre>{@code
     * Background.propagate(new MdcPropagator());        // module background-slf4j
     * }</pre>
     *
     * @param propagators the propagators, in the order they are restored
     * @throws NullPointerException if {@code propagators} or one of them is null
     * @throws IllegalArgumentException if two of them have the same key
     */
    public static void propagate(ContextPropagator<?>... propagators) {
        Objects.requireNonNull(propagators, "propagators");
        defaultPool().propagate(propagators);
    }

    /**
     * Registers a callback run for every task of the default pool that ends after this call, like
     * Python's {@code @background.callback}; see the class comment for the thread that runs it.
     *
     * @param callback receives the ended task
     * @return a handle that removes the callback
     * @throws NullPointerException if {@code callback} is null
     */
    public static Registration callback(Consumer<? super Task<?>> callback) {
        return defaultPool().callback(callback);
    }

    /**
     * The tasks submitted to the default pool, oldest first, like Python's {@code background.results}, in
     * bounded memory: every task still pending, however old, plus at least the
     * {@link BackgroundPool.Builder#keepResults(int) keepResults} most recently submitted ones. A finished task
     * older than that is forgotten, so that a program submitting a hundred million tasks runs in
     * bounded memory. The list is a snapshot (it does not change), weakly consistent with
     * concurrent submits.
     *
     * @return an unmodifiable snapshot
     */
    public static List<Task<?>> results() {
        return defaultPool().results();
    }
}
