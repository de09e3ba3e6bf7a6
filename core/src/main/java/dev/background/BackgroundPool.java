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
import dev.background.internal.CallOptions;
import dev.background.internal.Context;
import dev.background.internal.Listeners;
import dev.background.internal.PoolCore;
import dev.background.internal.RetryRules;
import dev.background.internal.Waits;
import dev.background.internal.Wrapped;
import dev.background.spi.BoundCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A pool of workers that runs functions in the background and hands back {@link Task}s: one
 * independent instance with its own workers, executor kind, name and callbacks. Made by
 * {@link #builder()}; {@link Background} is a static facade over a default one.
 *
 * <pre>{@code
 * try (var pool = BackgroundPool.builder().name("fetch").virtualThreads().n(500).build()) {
 *     var fetch = pool.task((String url) -> http.get(url)).timeout(Duration.ofSeconds(10));
 *     List<Task<String>> pages = urls.stream().map(fetch).toList();   // returns at once
 *     pages.forEach(p -> System.out.println(p.result().length()));
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Calls run on the pool's workers, at most {@link #n()} at once, in submission
 * order as workers free up. Submitting never blocks. Every method may be called from any thread.
 *
 * <p><b>Callbacks</b> registered with {@link #callback} run for every task of this pool that ends
 * after the registration (success, failure or cancellation), in the thread that ends the task: the
 * worker that ran it (before it takes its next task), the thread that cancelled it, or the timer
 * thread of a time limit. Keep them short. A callback that throws is logged through
 * {@link System.Logger} (logger {@code dev.background}) and harms no task and no other callback.
 *
 * <p><b>Exit.</b> By default a pool behaves like Python's: when the JVM starts to exit (main
 * returned, or {@code System.exit}), the tasks already submitted are run to the end first; an idle
 * pool never keeps the JVM alive. See {@link Builder#awaitTasksAtExit(boolean)}.
 *
 * <p><b>ExecutorService.</b> The pool is a complete {@link ExecutorService}: {@code submit},
 * {@code invokeAll}, {@code invokeAny}, {@code shutdown}, {@code shutdownNow},
 * {@code awaitTermination} and {@code close} keep that interface's contracts, and the futures it
 * returns are {@link Task}s. {@link #shutdownNow()} cancels the tasks it removes from the queue,
 * so no future is left pending forever, and it is exact under races: each submitted task is
 * either refused at its submit or handled by it, never both.
 *
 * <p><b>Context.</b> A pool built with {@link Builder#propagate propagators} captures their context
 * on the submitting thread at each submit and restores it around the call and around the task's
 * callbacks, on every kind (see {@link ContextPropagator}). Without any, a task sees none of its
 * submitter's thread-locals, and pool threads inherit no {@link InheritableThreadLocal} values.
 *
 * <p><b>ScheduledExecutorService.</b> {@link #schedule(Callable, long, TimeUnit) schedule},
 * {@link #scheduleAtFixedRate scheduleAtFixedRate} and
 * {@link #scheduleWithFixedDelay scheduleWithFixedDelay} keep that interface's contracts on
 * every kind: a call waits for its time on the library's timer thread, holding no worker, and is
 * then queued like any other (on worker processes and clusters it then runs remotely). The
 * futures they return are {@link Task}s too. After {@link #shutdown()}, delayed one-shot calls
 * still run when their time comes and periodic tasks are cancelled, the defaults of
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor}; {@link #shutdownNow()} cancels both.
 * Wrapped functions have the same as a one-liner: {@code fn.after(Duration.ofMinutes(5)).apply(x)}.
 *
 * <p><b>Retries.</b> A {@link RetryPolicy} set on the builder ({@link Builder#retry}) applies to
 * every call of the pool whose function sets none, periodic tasks excepted.
 *
 * <p><b>Memory consistency.</b> Actions in a thread before it submits a call happen-before the
 * call runs; the call's actions happen-before its task completes (see {@link Task}).
 */
public final class BackgroundPool implements ScheduledExecutorService {

    /**
     * Default of {@link Builder#keepResults(int)}: large enough that a batch of this many calls
     * submitted at once costs no more bookkeeping than the ring write of each submit, small
     * enough (64 KiB of references) to be bounded. It also keeps that many finished results
     * reachable: a pool whose tasks return large objects and whose futures are dropped should set
     * a smaller value, or 0.
     */
    public static final int DEFAULT_KEEP_RESULTS = 16_384;

    /** Largest value of {@link Builder#keepResults(int)}: 2<sup>30</sup>. */
    public static final int MAX_KEEP_RESULTS = 1 << 30;

    private final PoolCore core;

    private BackgroundPool(Builder b) {
        ExecutorKind kind = b.kind;
        int n = b.n > 0 ? b.n : kind.defaultN();
        this.core = new PoolCore(b.name, kind, n, b.keepResults, List.copyOf(b.callbacks), b.awaitAtExit);
        core.propagators(b.propagators.toArray(ContextPropagator<?>[]::new));
        core.defaultRetry(b.retry == null ? null : RetryRules.of(b.retry));
        // Before attach, which delivers what the engine reported while it opened.
        b.listeners.forEach(core::addListener);
        core.attach(this);
    }

    /** For {@link Background#propagate}: the default pool's propagators, for submits from now on. */
    void propagate(ContextPropagator<?>[] propagators) {
        core.propagators(Context.check(Arrays.asList(propagators)));
    }

    /**
     * Starts building a pool. Defaults: platform threads, {@code n} = the kind's default, name
     * {@code "pool"}, {@value #DEFAULT_KEEP_RESULTS} recent results, waits for its tasks at exit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ wrapping

    /**
     * Wraps a function of no arguments: calling the result submits a call and returns its
     * {@link Task} at once, like Python's {@code @background.task}.
     *
     * @param fn the function
     * @param <R> its result type
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public <R extends @Nullable Object> AsyncCallable<R> task(CheckedCallable<R> fn) {
        return Wrapped.of(core, Objects.requireNonNull(fn, "fn"));
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
    public <A extends @Nullable Object, R extends @Nullable Object> AsyncFunction<A, R> task(CheckedFunction<A, R> fn) {
        return Wrapped.of(core, Objects.requireNonNull(fn, "fn"));
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
    public <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object>
            AsyncBiFunction<A, B, R> task(CheckedBiFunction<A, B, R> fn) {
        return Wrapped.of(core, Objects.requireNonNull(fn, "fn"));
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
    public <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            AsyncTriFunction<A, B, C, R> task(CheckedTriFunction<A, B, C, R> fn) {
        return Wrapped.of(core, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * Wraps a function of no arguments that returns nothing; its tasks yield {@code null}.
     *
     * @param fn the function
     * @return the background version of {@code fn}
     * @throws NullPointerException if {@code fn} is null
     */
    public AsyncCallable<@Nullable Void> task(CheckedRunnable fn) {
        Objects.requireNonNull(fn, "fn");
        return Wrapped.of(core, () -> {
            fn.run();
            return null;
        });
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
    public <A extends @Nullable Object> AsyncFunction<A, @Nullable Void> task(CheckedConsumer<A> fn) {
        Objects.requireNonNull(fn, "fn");
        return Wrapped.of(core, (A a) -> {
            fn.accept(a);
            return null;
        });
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
    public <A extends @Nullable Object, B extends @Nullable Object> AsyncBiFunction<A, B, @Nullable Void> task(
            CheckedBiConsumer<A, B> fn) {
        Objects.requireNonNull(fn, "fn");
        return Wrapped.of(core, (A a, B b) -> {
            fn.accept(a, b);
            return null;
        });
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
    public <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object>
            AsyncTriFunction<A, B, C, @Nullable Void> task(CheckedTriConsumer<A, B, C> fn) {
        Objects.requireNonNull(fn, "fn");
        return Wrapped.of(core, (A a, B b, C c) -> {
            fn.accept(a, b, c);
            return null;
        });
    }

    // ------------------------------------------------------------------ one call

    /**
     * Submits one call of {@code fn}, like Python's {@code background.run(f)}.
     *
     * @param fn the function
     * @param <R> its result type
     * @return the call's task, at once
     * @throws NullPointerException if {@code fn} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <R extends @Nullable Object> Task<R> run(CheckedCallable<R> fn) {
        return core.submit(Objects.requireNonNull(fn, "fn"), CallOptions.DEFAULT);
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
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A extends @Nullable Object, R extends @Nullable Object> Task<R> run(CheckedFunction<A, R> fn, A a) {
        // As task(fn).apply(a), without the wrapper object: this is the hot path of one-off calls.
        return core.submit(BoundCall.of(Objects.requireNonNull(fn, "fn"), a), CallOptions.DEFAULT);
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
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> Task<R> run(
            CheckedBiFunction<A, B, R> fn, A a, B b) {
        return core.submit(BoundCall.of(Objects.requireNonNull(fn, "fn"), a, b), CallOptions.DEFAULT);
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
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            Task<R> run(CheckedTriFunction<A, B, C, R> fn, A a, B b, C c) {
        return core.submit(BoundCall.of(Objects.requireNonNull(fn, "fn"), a, b, c), CallOptions.DEFAULT);
    }

    /**
     * Submits one call of a function that returns nothing.
     *
     * @param fn the function
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    public Task<@Nullable Void> run(CheckedRunnable fn) {
        return task(fn).call();
    }

    /**
     * Submits one call {@code fn(a)} of a function that returns nothing.
     *
     * @param fn the function
     * @param a its argument (may be null)
     * @param <A> its argument type
     * @return the call's task, which yields {@code null}
     * @throws NullPointerException if {@code fn} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A extends @Nullable Object> Task<@Nullable Void> run(CheckedConsumer<A> fn, A a) {
        return task(fn).apply(a);
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
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A extends @Nullable Object, B extends @Nullable Object> Task<@Nullable Void> run(
            CheckedBiConsumer<A, B> fn, A a, B b) {
        return task(fn).apply(a, b);
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
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object>
            Task<@Nullable Void> run(CheckedTriConsumer<A, B, C> fn, A a, B b, C c) {
        return task(fn).apply(a, b, c);
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
    public <A extends @Nullable Object, R extends @Nullable Object> Stream<R> map(
            CheckedFunction<A, R> fn, Iterable<? extends A> inputs) {
        return task(fn).map(inputs);
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
    public <A extends @Nullable Object, R extends @Nullable Object> Stream<R> map(
            CheckedFunction<A, R> fn, Stream<? extends A> inputs) {
        return task(fn).map(inputs);
    }

    // ------------------------------------------------------------------ n, callbacks, results

    /**
     * How many tasks run at once, like Python's {@code background.n}.
     *
     * @return the current limit
     */
    public int n() {
        return core.n();
    }

    /**
     * Changes how many tasks run at once, while tasks run: a raise lets queued tasks start at
     * once. A lowering is exact from the moment this method returns: no task starts while
     * {@code n} or more run. Tasks already running then go on (none is interrupted), so until
     * enough of them have ended, more than {@code n} may still be running, and none starts.
     *
     * @param n the new limit, at least 1
     * @return this pool
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public BackgroundPool n(int n) {
        core.resize(Builder.checkN(n));
        return this;
    }

    /**
     * Registers a callback run for every task of this pool that ends after this call, like
     * Python's {@code @background.callback}; see the class comment for the thread that runs it.
     *
     * @param callback receives the ended task
     * @return a handle that removes the callback
     * @throws NullPointerException if {@code callback} is null
     */
    public Registration callback(Consumer<? super Task<?>> callback) {
        Runnable remove = core.addCallback(Objects.requireNonNull(callback, "callback"));
        return remove::run;
    }

    /**
     * Registers a listener that watches this pool: every task's submit, start and end, and the
     * pool's events ({@code n} changed, workers, members, shut down). See {@link PoolListener}
     * for the threads that call it and what it must not do. Tasks already under way when it
     * registers may be seen only in part, and events reported before it are not seen: workers
     * that started while the pool was built, for instance. {@link Builder#listener} sees those.
     *
     * @param listener the listener
     * @return a handle that removes the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public Registration addListener(PoolListener listener) {
        Runnable remove = core.addListener(Objects.requireNonNull(listener, "listener"));
        return remove::run;
    }

    /**
     * Registers a listener on every pool of this JVM: those that exist now and those built
     * later, until the returned handle removes it from all of them. The listener first receives
     * a {@link PoolEvent.Type#OPENED} event for each pool: for existing pools in the calling
     * thread before this method returns, for later pools in the thread that builds them, before
     * {@link Builder#build()} returns. Pools are held weakly: a pool dropped without
     * {@code close} is not kept alive by this. See {@link PoolListener} for the threads that
     * call it.
     *
     * @param listener the listener
     * @return a handle that removes the listener from every pool
     * @throws NullPointerException if {@code listener} is null
     */
    public static Registration addListenerToAllPools(PoolListener listener) {
        Runnable remove = Listeners.addToAllPools(Objects.requireNonNull(listener, "listener"));
        return remove::run;
    }

    /**
     * The tasks submitted to this pool, oldest first, like Python's {@code background.results}, in
     * bounded memory: every task still pending, however old, plus at least the
     * {@link Builder#keepResults(int) keepResults} most recently submitted ones. A finished task
     * older than that is forgotten, so that a program submitting a hundred million tasks runs in
     * bounded memory. With {@code keepResults(0)} the list is off and always empty. The list is a
     * snapshot (it does not change), weakly consistent with concurrent submits.
     *
     * @return an unmodifiable snapshot
     */
    public List<Task<?>> results() {
        return core.results();
    }

    /**
     * The pool's name, as given to the builder.
     *
     * @return the name
     */
    public String name() {
        return core.name();
    }

    /**
     * The kind of workers this pool runs on.
     *
     * @return the kind
     */
    public ExecutorKind kind() {
        return core.kind();
    }

    /**
     * How many tasks have been submitted and have not ended yet: queued, running, waiting for a
     * delay, a retry or their next period, or ending. A task leaves the count last of all its
     * end: its outcome is set first (a thread waiting on its result may go on), then the pool's
     * listeners and callbacks run in the thread that ended it, and only then does the count drop.
     * So right after a task's result is visible, this may still count it for as long as its
     * callbacks run; when it reads 0, every callback of every task ended so far has returned. A
     * submit that is refused is never counted. Never blocks; any thread.
     *
     * @return the count, a moment's snapshot
     */
    public long pending() {
        return core.unfinished();
    }

    // ------------------------------------------------------------------ ExecutorService

    /**
     * Submits a {@link Callable}; see {@link ExecutorService#submit(Callable)}.
     *
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public <T extends @Nullable Object> Task<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return core.submit(task::call, CallOptions.DEFAULT);
    }

    /**
     * Submits a {@link Runnable}; see {@link ExecutorService#submit(Runnable, Object)}.
     *
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public <T extends @Nullable Object> Task<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return core.submit(
                () -> {
                    task.run();
                    return result;
                },
                CallOptions.DEFAULT);
    }

    /**
     * Submits a {@link Runnable}; see {@link ExecutorService#submit(Runnable)}.
     *
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public Task<?> submit(Runnable task) {
        return this.<@Nullable Void>submit(task, null);
    }

    /**
     * Runs {@code command} in the background; its failure, if any, is only visible to callbacks
     * (and is not lost: callbacks see the task). If it has not started when {@link #shutdownNow()}
     * is called, that method returns {@code command} itself, as {@code ThreadPoolExecutor} does.
     *
     * @throws NullPointerException if {@code command} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public void execute(Runnable command) {
        core.execute(Objects.requireNonNull(command, "command"));
    }

    // ------------------------------------------------------------------ ScheduledExecutorService

    /**
     * Runs {@code command} once after {@code delay}; see
     * {@link ScheduledExecutorService#schedule(Runnable, long, TimeUnit)}. Zero and negative
     * delays mean at once. The command waits on the library's timer thread, holding no worker,
     * and is then queued as {@link #submit(Runnable)} would queue it.
     *
     * @return the call's future, which is also a {@link Task}; its {@code get()} returns null
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        return core.<@Nullable Void>submit(
                () -> {
                    command.run();
                    return null;
                },
                delayed(unit.toNanos(delay)));
    }

    /**
     * Calls {@code callable} once after {@code delay}; see
     * {@link ScheduledExecutorService#schedule(Callable, long, TimeUnit)}. Zero and negative
     * delays mean at once. The call waits on the library's timer thread, holding no worker, and
     * is then queued as {@link #submit(Callable)} would queue it; a pool's default
     * {@link RetryPolicy} applies to it.
     *
     * @return the call's future, which is also a {@link Task}
     * @throws NullPointerException if {@code callable} or {@code unit} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public <V extends @Nullable Object> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(unit, "unit");
        return core.submit(callable::call, delayed(unit.toNanos(delay)));
    }

    private static CallOptions delayed(long nanos) {
        return nanos > 0 ? CallOptions.DEFAULT.withDelay(nanos) : CallOptions.DEFAULT;
    }

    /**
     * Runs {@code command} after {@code initialDelay}, then every {@code period} from the planned
     * start of the previous run; see {@link ScheduledExecutorService#scheduleAtFixedRate}. A run
     * that takes longer than the period delays the next one, which then starts late, never
     * alongside it. The task runs until it is cancelled, throws (its future then fails with that
     * exception), or the pool shuts down (its future is then cancelled). Between runs it holds
     * no worker. Not retried by a {@link RetryPolicy}.
     *
     * @return the task's future, which never completes normally; also a {@link Task}
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return schedulePeriodic(command, initialDelay, period, unit, 1, "period");
    }

    /**
     * Runs {@code command} after {@code initialDelay}, then again {@code delay} after the end of
     * each run; see {@link ScheduledExecutorService#scheduleWithFixedDelay}. It ends as
     * {@link #scheduleAtFixedRate} tasks do.
     *
     * @return the task's future, which never completes normally; also a {@link Task}
     * @throws NullPointerException if {@code command} or {@code unit} is null
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     * @throws RejectedExecutionException if the pool is shut down
     */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return schedulePeriodic(command, initialDelay, delay, unit, -1, "delay");
    }

    private ScheduledFuture<?> schedulePeriodic(
            Runnable command, long initialDelay, long period, TimeUnit unit, int sign, String name) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        if (period <= 0) {
            throw new IllegalArgumentException(name + " must be greater than zero: " + period);
        }
        return core.submitPeriodic(command, unit.toNanos(initialDelay), sign * unit.toNanos(period));
    }

    /** {@inheritDoc} Cancels the tasks still running when interrupted. */
    @Override
    public <T extends @Nullable Object> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        return invokeAll(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /** {@inheritDoc} */
    @Override
    public <T extends @Nullable Object> List<Future<T>> invokeAll(
            Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(unit, "unit");
        long deadline = Waits.deadlineAfter(unit.toNanos(timeout));
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> c : tasks) {
                futures.add(submit(Objects.requireNonNull(c, "tasks contains null")));
            }
            for (Future<T> f : futures) {
                if (!f.isDone()) {
                    try {
                        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (ExecutionException | CancellationException ignored) {
                        // reported through the future
                    } catch (TimeoutException e) {
                        break;
                    }
                }
            }
            return futures;
        } finally {
            for (Future<T> f : futures) {
                f.cancel(true); // no-op for those done; cancels the rest on timeout or interrupt
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public <T extends @Nullable Object> T invokeAny(Collection<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** {@inheritDoc} */
    @Override
    public <T extends @Nullable Object> T invokeAny(
            Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(unit, "unit");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks is empty");
        }
        long deadline = Waits.deadlineAfter(unit.toNanos(timeout));
        var outcomes = new java.util.concurrent.LinkedBlockingQueue<Task<T>>();
        List<Task<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> c : tasks) {
                Task<T> t = submit(Objects.requireNonNull(c, "tasks contains null"));
                futures.add(t);
                t.whenComplete((v, e) -> outcomes.add(t));
            }
            ExecutionException last = null;
            for (int i = 0; i < futures.size(); i++) {
                Task<T> done = outcomes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (done == null) {
                    throw new TimeoutException("no task succeeded within " + Duration.ofNanos(unit.toNanos(timeout)));
                }
                try {
                    return done.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            for (Task<T> t : futures) {
                t.cancel(true);
            }
        }
    }

    /**
     * Starts an orderly shutdown: tasks already submitted run to the end (including those waiting
     * for a per-function limit); new submits throw {@link RejectedExecutionException}. Does not
     * wait; see {@link #awaitTermination} and {@link #close()}.
     */
    @Override
    public void shutdown() {
        core.shutdown();
    }

    /**
     * Stops at once: cancels every task not yet started, interrupts running ones, and rejects new
     * submits. Exact under races: every submitted task is either refused at its submit (which
     * throws {@link RejectedExecutionException}) or handled here, on the returned list if it never
     * started (it then never will), else interrupted if it still runs; never both, never
     * neither. Unlike a plain {@code ThreadPoolExecutor}, the tasks returned are cancelled, so no
     * future of this pool is left pending forever. Does not wait for running tasks to end; see
     * {@link #awaitTermination}.
     *
     * @return the tasks that never started, cancelled, including calls that waited for a
     *     per-function limit, and tasks whose next run waited on a timer: a delayed call, a
     *     retry in its backoff, a periodic task between runs (an earlier attempt or run of
     *     these may have started; their next one never will): each as the {@link Task} that {@code submit}, {@code run} or a
     *     wrapped function returned, or, for {@link #execute}, as the {@code Runnable} given (as
     *     {@code ThreadPoolExecutor} does; if it is a {@code Future}, such as the
     *     {@code FutureTask} of an {@code ExecutorCompletionService}, cancelling it is the
     *     caller's business). Remote kinds may count a task sent ahead to a worker as started:
     *     it is then interrupted, not listed
     */
    @Override
    public List<Runnable> shutdownNow() {
        return core.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return core.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return core.isTerminated();
    }

    /**
     * Blocks until every submitted task has ended after a shutdown, the timeout passes, or the
     * thread is interrupted.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return core.awaitTermination(timeout, unit);
    }

    /**
     * Shuts down and waits for every submitted task to end, as {@link ExecutorService#close()}
     * does. If interrupted while waiting, cancels what is left ({@link #shutdownNow()}), keeps
     * waiting, and restores the interrupt status.
     */
    @Override
    public void close() {
        ScheduledExecutorService.super.close();
    }

    @Override
    public String toString() {
        return "BackgroundPool[" + name() + ", " + kind().name() + ", n=" + n() + ", pending=" + pending()
                + (isShutdown() ? ", shut down" : "") + "]";
    }

    // ------------------------------------------------------------------ builder

    /**
     * Builds {@link BackgroundPool}s. Not thread-safe; {@link #build()} may be called more than
     * once, each time making a new, independent pool.
     */
    public static final class Builder {
        private String name = "pool";
        private ExecutorKind kind = ExecutorKind.threads();
        private int n;
        private int keepResults = DEFAULT_KEEP_RESULTS;
        private boolean awaitAtExit = true;
        private final List<Consumer<? super Task<?>>> callbacks = new ArrayList<>();
        private final List<ContextPropagator<?>> propagators = new ArrayList<>();
        private final List<PoolListener> listeners = new ArrayList<>();
        private @Nullable RetryPolicy retry;

        private Builder() {}

        /**
         * Retries the pool's failed calls with {@code policy}, unless their function sets its own
         * ({@code fn.retry(..)}, {@link RetryPolicy#none()} to opt out). Applies to wrapped
         * functions, {@code run}, {@code submit}, {@code execute} and {@code schedule}; not to
         * periodic tasks. Default: no retries.
         *
         * @param policy the policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Names the pool: in thread names ({@code background-NAME-1}) and error messages.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets how many tasks run at once; without it, the kind's default.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder n(int n) {
            this.n = checkN(n);
            return this;
        }

        /**
         * Runs tasks on platform threads (the default): for CPU-bound work.
         *
         * @return this builder
         */
        public Builder threads() {
            return kind(ExecutorKind.threads());
        }

        /**
         * Runs tasks on virtual threads: for I/O-bound work, up to hundreds of thousands at once.
         *
         * @return this builder
         */
        public Builder virtualThreads() {
            return kind(ExecutorKind.virtualThreads());
        }

        /**
         * Runs tasks on the given kind of workers, such as worker processes or a cluster.
         *
         * @param kind the kind
         * @return this builder
         * @throws NullPointerException if {@code kind} is null
         */
        public Builder kind(ExecutorKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * How many recently submitted tasks {@link BackgroundPool#results()} keeps beyond the
         * pending ones (default {@value BackgroundPool#DEFAULT_KEEP_RESULTS}). Tasks kept here keep
         * their results reachable; pending tasks older than that are tracked at a small cost per
         * submit while more than this many are pending at once. 0 turns the list off: {@code results()} is then always empty, pending
         * tasks included, and submits skip its bookkeeping. The pool then no longer knows its
         * running tasks (except those of functions with a {@code limit}), so
         * {@link BackgroundPool#shutdownNow()} interrupts them without cancelling them first: they
         * fail with whatever the interrupt makes them throw. It still lists every task that never
         * started. No task is left pending either way.
         *
         * @param count at least 0, at most {@value BackgroundPool#MAX_KEEP_RESULTS}
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is negative or above the maximum
         */
        public Builder keepResults(int count) {
            if (count < 0 || count > MAX_KEEP_RESULTS) {
                throw new IllegalArgumentException(
                        "keepResults must be between 0 and " + MAX_KEEP_RESULTS + ": " + count);
            }
            this.keepResults = count;
            return this;
        }

        /**
         * Whether the JVM, when it exits, first waits for this pool's submitted tasks (default
         * true, like Python). With false, tasks still queued or running at exit are abandoned.
         *
         * <p>The wait runs in a shutdown hook, so a task of a waiting pool must not itself call
         * {@code System.exit} (the exit would wait for the hook, and the hook for the task): use
         * {@link Runtime#halt(int)} there, or {@code false} here. Tasks submitted once the exit
         * has begun are rejected.
         *
         * @param await whether to wait
         * @return this builder
         */
        public Builder awaitTasksAtExit(boolean await) {
            this.awaitAtExit = await;
            return this;
        }

        /**
         * Registers a callback from the start, as {@link BackgroundPool#callback} would.
         *
         * @param callback receives every ended task
         * @return this builder
         * @throws NullPointerException if {@code callback} is null
         */
        public Builder callback(Consumer<? super Task<?>> callback) {
            callbacks.add(Objects.requireNonNull(callback, "callback"));
            return this;
        }

        /**
         * Registers a listener from the start, as {@link BackgroundPool#addListener} would, but
         * before the pool's workers can report anything: it sees every event of the pool,
         * including those of workers that start while {@link #build()} runs (eager worker
         * processes, a cluster's members), which a listener added once {@code build()} has
         * returned may miss. It gets no {@link PoolEvent.Type#OPENED} event (that is for listeners
         * of every pool). May be called more than once; each pool built afterwards gets every
         * listener given, in the order given. Threads are as for any listener ({@link
         * PoolListener}): events reported while the pool is built are delivered in the thread
         * that calls {@code build()}, before it returns, or in the engine's thread that reports
         * them. A listener that throws is logged through {@link System.Logger} (logger
         * {@code dev.background}) and affects neither the task, nor the pool, nor other listeners.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(PoolListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds context propagators: each one's context is captured on the submitting thread at
         * every submit, restored around the call and the task's callbacks wherever they run, and
         * then the worker's own put back (see {@link ContextPropagator}, which also says what
         * happens when one throws). Worker processes and cluster members restore what travels
         * with the propagators installed in their JVM. Costs each propagator's capture per submit,
         * and its restore and close per call; with none (the default) nothing is captured.
         *
         * @param propagators the propagators, in the order they are restored
         * @return this builder
         * @throws NullPointerException if {@code propagators} or one of them is null
         * @throws IllegalArgumentException if two propagators of the pool have the same key
         */
        public Builder propagate(ContextPropagator<?>... propagators) {
            return propagate(Arrays.asList(Objects.requireNonNull(propagators, "propagators")));
        }

        /**
         * Adds context propagators, as {@link #propagate(ContextPropagator[])} does; for instance
         * every installed one: {@code propagate(ContextPropagator.installed())}.
         *
         * @param propagators the propagators, in the order they are restored
         * @return this builder
         * @throws NullPointerException if {@code propagators} or one of them is null
         * @throws IllegalArgumentException if two propagators of the pool have the same key
         */
        public Builder propagate(Collection<? extends ContextPropagator<?>> propagators) {
            Objects.requireNonNull(propagators, "propagators");
            List<ContextPropagator<?>> all = new ArrayList<>(this.propagators);
            all.addAll(propagators);
            Context.check(all);
            this.propagators.clear();
            this.propagators.addAll(all);
            return this;
        }

        /**
         * Makes a new pool. Workers start as tasks arrive.
         *
         * @return the pool
         */
        public BackgroundPool build() {
            return new BackgroundPool(this);
        }

        static int checkN(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be at least 1: " + n);
            }
            return n;
        }
    }
}
