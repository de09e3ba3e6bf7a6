package dev.background.bench.core;

import dev.background.BackgroundPool;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.context.ThreadLocalPropagator;
import dev.background.function.AsyncFunction;
import dev.background.function.CheckedFunction;
import dev.background.opentelemetry.OpenTelemetryPropagator;
import dev.background.slf4j.MdcPropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import jdk.jfr.Recording;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One way of running a call in the background, behind one face, so that a benchmark measures
 * background's pools and the raw JDK executors with the same code in the same run.
 *
 * <p>Every target submits the same thing a user would: a call of a one-argument function, so each
 * submit allocates one capturing lambda on the raw side as on background's side (where
 * {@code run(fn, a)} and {@code fn.apply(a)} bind the argument). The raw thread pool is configured
 * like background's threads kind ({@code core = max = n}, an unbounded {@link LinkedBlockingQueue},
 * daemon threads), so the ratio shows what background adds on top of the JDK.
 *
 * <p>Names (the values of the benchmarks' {@code target} parameter):
 * <ul>
 * <li>{@code tpe}: raw {@link ThreadPoolExecutor#submit}, n platform threads (the baseline);
 * <li>{@code fjp}: raw {@link ForkJoinPool#submit}, parallelism n;
 * <li>{@code vthreads}: raw {@link Executors#newVirtualThreadPerTaskExecutor()};
 * <li>{@code tpe-vthreads}: raw {@link ThreadPoolExecutor} on virtual threads, n of them, workers
 * retiring after 1 s idle, as background's virtual-threads kind runs them underneath: not a
 * baseline to meet, but it tells background's own cost from that of the executor it reuses;
 * <li>{@code bg-run}: {@link BackgroundPool#run(CheckedFunction, Object)}, threads kind;
 * <li>{@code bg-task}: a wrapped function's {@link AsyncFunction#apply}, threads kind;
 * <li>{@code bg-nokeep}: as {@code bg-run} with {@code keepResults(0)}, which tells the cost of
 * the bookkeeping behind {@code results()} (every pending task plus the recent ones);
 * <li>{@code bg-keep16k}: as {@code bg-run} with {@code keepResults(16384)}, more than a
 * benchmark's batch, so that no task is pushed out of the recent-tasks ring while still pending
 * (diagnostic; in no default list: pass {@code -p target=...});
 * <li>{@code bg-vthreads}: {@link BackgroundPool#run(CheckedFunction, Object)}, virtual-threads kind;
 * <li>{@code bg-tl}, {@code bg-mdc}, {@code bg-otel}: as {@code bg-run} with one context
 * propagator (a {@link ThreadLocalPropagator}, the {@link MdcPropagator} over logback's MDC, the
 * {@link OpenTelemetryPropagator}), its context set on the submitting thread (a string; two MDC
 * entries; a span and no baggage), so each task captures, restores and puts back a real value
 * (diagnostic; in no default list: pass {@code -p target=...}).
 *
 * <li>{@code bg-listener}: as {@code bg-run} with a {@link PoolListener} registered that counts
 * each task's submit, each run's start and end, and each task's end: the cost of being watched
 * (a dashboard, metrics);
 * <li>{@code bg-jfr}: as {@code bg-run} while a Flight Recorder recording has the
 * {@code dev.background.Task} event enabled: one event per task, written. With no recording
 * (every other target), the event costs a flag test.
 * </ul>
 */
public final class Target implements AutoCloseable {

    /** The raw baselines and background's pools, in the order tables list them. */
    public static final String ALL =
            "tpe,fjp,vthreads,tpe-vthreads,bg-run,bg-task,bg-nokeep,bg-keep16k,bg-vthreads,bg-tl,bg-mdc,bg-otel,bg-listener,bg-jfr";

    /** The thread-local of {@code bg-tl}. */
    private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

    /** The argument every benchmark passes: one cached Integer, so no task allocates a box. */
    public static final Integer ARG = 1;

    private final ExecutorService executor;
    private final Function<Integer, Future<Integer>> submit;
    private final @Nullable AutoCloseable alsoClose;

    private Target(ExecutorService executor, Function<Integer, Future<Integer>> submit) {
        this(executor, submit, null);
    }

    private Target(
            ExecutorService executor, Function<Integer, Future<Integer>> submit, @Nullable AutoCloseable alsoClose) {
        this.executor = executor;
        this.submit = submit;
        this.alsoClose = alsoClose;
    }

    /** Counts what a watcher would see, cheaply: what a dashboard or metrics listener costs at least. */
    private static final class CountingListener implements PoolListener {
        private final LongAdder events = new LongAdder();

        @Override
        public void taskSubmitted(BackgroundPool pool, Task<?> task) {
            events.increment();
        }

        @Override
        public void taskStarted(BackgroundPool pool, Task<?> task) {
            events.increment();
        }

        @Override
        public void runEnded(BackgroundPool pool, Task<?> task) {
            events.increment();
        }

        @Override
        public void taskEnded(BackgroundPool pool, Task<?> task) {
            events.increment();
        }
    }

    /** Submits one call of the target's function with argument {@code x}. */
    public Future<Integer> submit(Integer x) {
        return submit.apply(x);
    }

    /** Shuts the executor down and waits for its tasks to end. */
    @Override
    public void close() {
        executor.close();
        if (alsoClose != null) {
            try {
                alsoClose.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Opens a target.
     *
     * @param name one of the names listed above
     * @param n the number of workers (ignored by {@code vthreads}, which has a thread per task)
     * @param fn the function each task calls
     * @return the open target
     * @throws IllegalArgumentException for an unknown name
     */
    public static Target open(String name, int n, CheckedFunction<Integer, Integer> fn) {
        return switch (name) {
            case "tpe" ->
                raw(
                        new ThreadPoolExecutor(
                                n,
                                n,
                                60,
                                TimeUnit.SECONDS,
                                new LinkedBlockingQueue<>(),
                                Thread.ofPlatform().daemon().name("raw-tpe-", 1).factory()),
                        fn);
            case "fjp" -> raw(new ForkJoinPool(n), fn);
            case "vthreads" -> raw(Executors.newVirtualThreadPerTaskExecutor(), fn);
            case "tpe-vthreads" -> raw(virtualTpe(n), fn);
            case "bg-run" -> run(pool(n).threads().build(), fn);
            case "bg-task" -> {
                BackgroundPool pool = pool(n).threads().build();
                AsyncFunction<Integer, Integer> wrapped = pool.task(fn);
                yield new Target(pool, wrapped::apply);
            }
            case "bg-nokeep" -> run(pool(n).threads().keepResults(0).build(), fn);
            case "bg-keep16k" -> run(pool(n).threads().keepResults(16_384).build(), fn);
            case "bg-vthreads" -> run(pool(n).virtualThreads().build(), fn);
            case "bg-tl" -> {
                REQUEST.set("request-42"); // on the thread that opens the target and submits
                yield run(
                        pool(n).threads()
                                .propagate(new ThreadLocalPropagator<>("request", REQUEST))
                                .build(),
                        fn);
            }
            case "bg-mdc" -> {
                MDC.put("requestId", "request-42");
                MDC.put("user", "ada");
                yield run(pool(n).threads().propagate(new MdcPropagator()).build(), fn);
            }
            case "bg-otel" -> {
                makeTraceCurrent();
                yield run(
                        pool(n).threads()
                                .propagate(new OpenTelemetryPropagator())
                                .build(),
                        fn);
            }
            case "bg-listener" -> {
                BackgroundPool pool = pool(n).threads().build();
                pool.addListener(new CountingListener());
                yield run(pool, fn);
            }
            case "bg-jfr" -> {
                Recording recording = new Recording();
                recording.enable("dev.background.Task");
                recording.setToDisk(true);
                recording.start();
                BackgroundPool pool = pool(n).threads().build();
                yield new Target(pool, x -> pool.run(fn, x), recording);
            }
            default -> throw new IllegalArgumentException("unknown target: " + name + "; known: " + ALL);
        };
    }

    /** Makes a sampled span current on this thread, for good: the benchmark's thread is its request. */
    @SuppressWarnings("MustBeClosedChecker") // left open on purpose, for the whole trial
    private static void makeTraceCurrent() {
        Span span = Span.wrap(SpanContext.create(
                "4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7",
                TraceFlags.getSampled(),
                TraceState.getDefault()));
        Context.root().with(span).makeCurrent();
    }

    /** The identity: the no-op body of most benchmarks. */
    public static Integer identity(Integer x) {
        return x;
    }

    private static Target raw(ExecutorService executor, CheckedFunction<Integer, Integer> fn) {
        return new Target(executor, x -> executor.submit(() -> fn.apply(x)));
    }

    private static Target run(BackgroundPool pool, CheckedFunction<Integer, Integer> fn) {
        return new Target(pool, x -> pool.run(fn, x));
    }

    private static ThreadPoolExecutor virtualTpe(int n) {
        var tpe = new ThreadPoolExecutor(
                n,
                n,
                1,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Thread.ofVirtual().name("raw-vtpe-", 1).factory());
        tpe.allowCoreThreadTimeOut(true);
        return tpe;
    }

    private static BackgroundPool.Builder pool(int n) {
        return BackgroundPool.builder().name("bench").n(n);
    }
}
