package dev.background.dashboard.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's numbers: task events aggregated into counters per function and per worker, a
 * sampled task stream, throughput and latency per tick, recent failures and pool events, in
 * memory that stays bounded whatever the number of tasks.
 *
 * <p>Maintainers' overview. Two sides:
 *
 * <ul>
 *   <li>The {@link TaskEvents} methods run on any thread, typically the pools' workers, up to
 *       hundreds of thousands of times a second. They find their function's and worker's entry in
 *       {@link Entries} and add to {@link LongAdder}s and {@link Histogram}s: no lock, no
 *       allocation once an entry exists. A sample of ended tasks (about {@link #BARS_PER_TICK}
 *       per tick, the rate set from the previous tick's throughput) and the first
 *       {@link #FAILURES_PER_TICK} failures of a tick take the lock of a small buffer.
 *   <li>{@link #tick} and {@link #hello} run on one thread at a time (the server's ticker, under
 *       its lock; both are synchronized besides). A tick reads the counters, which only grow, and
 *       reports the difference from the previous tick, so a task counted while a tick reads is
 *       reported by the next one, never lost or counted twice.
 * </ul>
 *
 * <p>Bounds: at most {@link #MAX_FUNCTIONS} functions (later ones count under one entry,
 * {@value #OTHER_FUNCTIONS}), {@link #MAX_WORKERS} workers (idle ones unseen for a minute are
 * dropped at a tick; a worker dropped while an event for it is under way loses that event from
 * its row only), {@link #HISTORY} points of throughput and latency, {@link #BARS_KEPT} bars of
 * the task stream, {@link #FAILURES_KEPT} failures (their stack traces cut at
 * {@link #TRACE_CHARS} characters) and {@link #EVENTS_KEPT} pool events.
 *
 * <p>Running counts runs (a periodic task runs many times, a retried one once per attempt):
 * runs started less runs ended, per function and per worker. Queued is what is submitted and
 * neither ended nor running (waiting for a worker, a delay, a backoff or the next period). Counts
 * are read tasks-ended first, then runs ended, then started, then submitted: as each run starts
 * before it ends, and (but for a cancel racing a start) its task's last run ends before the task
 * does ({@link dev.background.PoolListener}'s contract), a reading never shows more runs ended
 * than started, nor a task both ended and running. In that one exception, running may dip below
 * zero until the start arrives; the page shows 0 then.
 */
public final class Board implements TaskEvents {
    static final int MAX_FUNCTIONS = 64;
    static final int MAX_WORKERS = 256;
    static final String OTHER_FUNCTIONS = "(other functions)";
    static final String OTHER_WORKERS = "(other workers)";
    /** Two minutes at four ticks a second. */
    static final int HISTORY = 480;

    static final int BARS_PER_TICK = 200;
    static final int BARS_KEPT = 4_000;
    static final int FAILURES_PER_TICK = 20;
    static final int FAILURES_KEPT = 20;
    static final int TRACE_CHARS = 8_000;
    static final int EVENTS_KEPT = 50;
    static final long IDLE_WORKER_NANOS = 60_000_000_000L;

    private final LongSupplier clock;
    private final long origin;

    private final Entries<Function> functions =
            new Entries<>(MAX_FUNCTIONS, Function::new, new Function("", OTHER_FUNCTIONS));
    private final Entries<Worker> workers;
    private final LongAdder endedAll = new LongAdder();
    private final LongAdder failedAll = new LongAdder();
    private final Histogram runTimes = new Histogram();
    private final Histogram latencies = new Histogram();

    /** One ended task in this many joins the task stream; set at each tick. */
    private volatile int sampleEvery = 1;

    private final AtomicInteger barsThisTick = new AtomicInteger();
    private final ArrayDeque<Bar> newBars = new ArrayDeque<>();
    private final AtomicInteger failuresThisTick = new AtomicInteger();
    private final ArrayDeque<Failure> newFailures = new ArrayDeque<>();
    private final ArrayDeque<Event> newEvents = new ArrayDeque<>();
    private long seq;

    // Below: the ticking thread's, under this board's lock.
    private final ArrayDeque<Point> history = new ArrayDeque<>();
    private final ArrayDeque<Bar> bars = new ArrayDeque<>();
    private final ArrayDeque<Failure> failures = new ArrayDeque<>();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long lastTick;
    private long lastEnded;
    private long lastFailed;
    private long[] lastRunTimes = new long[Histogram.BUCKETS];
    private long[] lastLatencies = new long[Histogram.BUCKETS];
    private String lastState = "{}";

    /**
     * A board whose times count from now.
     *
     * @param clock nanoseconds on the clock of the events' times, read at each tick and pool
     *     event; a test's own clock
     */
    public Board(LongSupplier clock) {
        this.clock = clock;
        this.origin = clock.getAsLong();
        this.lastTick = origin;
        this.workers = new Entries<>(
                MAX_WORKERS,
                (pool, name) -> new Worker(pool, name, clock.getAsLong()),
                new Worker("", OTHER_WORKERS, origin));
    }

    /**
     * A pool as the page shows it, read at each tick.
     *
     * @param name its name
     * @param kind what it runs on
     * @param n how many tasks run at once
     * @param pending tasks queued or running
     * @param shutdown whether it takes no more tasks
     */
    public record PoolState(String name, String kind, int n, long pending, boolean shutdown) {}

    @Override
    public void submitted(String pool, String function) {
        function(pool, function).submitted.increment();
    }

    @Override
    public void started(String pool, String function, String worker, long startedNanos) {
        function(pool, function).started.increment();
        Worker w = worker(pool, worker);
        w.started.increment();
        w.lastSeen = startedNanos;
    }

    @Override
    public void runEnded(String pool, String function, String worker) {
        function(pool, function).runsEnded.increment();
        worker(pool, worker).runsEnded.increment();
    }

    @Override
    public void ended(
            String pool,
            String function,
            @Nullable String worker,
            Future.State state,
            long submittedNanos,
            long startedNanos,
            long endedNanos,
            @Nullable Throwable failure) {
        Function f = function(pool, function);
        boolean failed = state == Future.State.FAILED;
        switch (state) {
            case SUCCESS -> f.succeeded.increment();
            case FAILED -> f.failed.increment();
            default -> f.cancelled.increment();
        }
        if (worker != null) {
            Worker w = worker(pool, worker);
            w.ended.increment();
            if (failed) {
                w.failed.increment();
            }
            w.lastSeen = endedNanos;
            runTimes.add(endedNanos - startedNanos);
            int every = sampleEvery;
            // The read first: once a tick has its bars, tasks do not contend on the counter.
            if ((every == 1 || ThreadLocalRandom.current().nextInt(every) == 0)
                    && barsThisTick.get() < BARS_PER_TICK
                    && barsThisTick.getAndIncrement() < BARS_PER_TICK) {
                Bar bar = new Bar(pool, worker, f.name, startedNanos, endedNanos, state);
                synchronized (newBars) {
                    newBars.add(bar);
                }
            }
        }
        latencies.add(endedNanos - submittedNanos);
        if (failed) {
            failedAll.increment();
            if (failure != null
                    && failuresThisTick.get() < FAILURES_PER_TICK
                    && failuresThisTick.getAndIncrement() < FAILURES_PER_TICK) {
                Failure record = new Failure(pool, f.name, worker == null ? "" : worker, endedNanos, failure);
                synchronized (newFailures) {
                    newFailures.add(record);
                }
            }
        }
        endedAll.increment();
    }

    @Override
    public void poolEvent(String pool, @Nullable String worker, boolean up, String text) {
        long now = clock.getAsLong();
        if (worker != null) {
            Worker w = worker(pool, worker);
            w.up = up;
            w.lastSeen = now;
        }
        synchronized (newEvents) {
            newEvents.add(new Event(pool, text, now));
            while (newEvents.size() > EVENTS_KEPT) {
                newEvents.removeFirst();
            }
        }
    }

    /**
     * Closes the current tick: reads the counters, adds a point of throughput and latency, takes
     * the new bars, failures and events, and drops idle workers.
     *
     * @param pools the pools' states now
     * @return the tick's message for the page: the state now, and what is new since the last tick
     */
    public synchronized String tick(List<PoolState> pools) {
        long now = clock.getAsLong();
        long ended = endedAll.sum();
        long failed = failedAll.sum();
        long[] run = runTimes.counts();
        long[] latency = latencies.counts();
        double seconds = Math.max(1e-9, (now - lastTick) / 1e9);
        long endedNow = ended - lastEnded;
        Point point = new Point(
                millis(now),
                endedNow / seconds,
                (failed - lastFailed) / seconds,
                Histogram.percentile(lastRunTimes, run, 0.5) / 1e6,
                Histogram.percentile(lastRunTimes, run, 0.99) / 1e6,
                Histogram.percentile(lastLatencies, latency, 0.5) / 1e6,
                Histogram.percentile(lastLatencies, latency, 0.99) / 1e6);
        lastTick = now;
        lastEnded = ended;
        lastFailed = failed;
        lastRunTimes = run;
        lastLatencies = latency;
        sampleEvery = (int) Math.max(1, Math.min(Integer.MAX_VALUE, endedNow / BARS_PER_TICK));

        keep(history, List.of(point), HISTORY);
        List<Bar> tickBars = drain(newBars);
        barsThisTick.set(0);
        keep(bars, tickBars, BARS_KEPT);
        List<Failure> tickFailures = drain(newFailures);
        failuresThisTick.set(0);
        for (Failure f : tickFailures) {
            f.seq = ++seq;
        }
        keep(failures, tickFailures, FAILURES_KEPT);
        List<Event> tickEvents = drain(newEvents);
        for (Event e : tickEvents) {
            e.seq = ++seq;
        }
        keep(events, tickEvents, EVENTS_KEPT);
        workers.removeIf(w -> w.running() == 0 && now - w.lastSeen > IDLE_WORKER_NANOS);

        lastState = state(pools);
        return message("tick", List.of(point), tickBars, tickFailures, tickEvents);
    }

    /**
     * The message a page gets when it connects: the state at the last tick and everything kept.
     *
     * @return the message
     */
    public synchronized String hello() {
        return message("hello", history, bars, failures, events);
    }

    private String message(
            String type,
            Iterable<Point> points,
            Iterable<Bar> barList,
            Iterable<Failure> failureList,
            Iterable<Event> eventList) {
        // The state is rendered once per tick and shared by both kinds of message.
        Json json = new Json()
                .beginObject()
                .member("type", type)
                .member("origin", origin / 1_000_000)
                .member("t", millis(lastTick))
                .name("state")
                .raw(lastState);
        json.name("series").beginArray();
        for (Point p : points) {
            json.beginObject()
                    .member("t", p.t)
                    .member("done", p.donePerSecond)
                    .member("failed", p.failedPerSecond)
                    .member("run50", p.run50)
                    .member("run99", p.run99)
                    .member("lat50", p.latency50)
                    .member("lat99", p.latency99)
                    .endObject();
        }
        json.endArray().name("bars").beginArray();
        for (Bar b : barList) {
            json.beginArray()
                    .value(b.pool)
                    .value(b.worker)
                    .value(b.function)
                    .value(millis(b.started))
                    .value(millis(b.ended))
                    .value(b.state.name())
                    .endArray();
        }
        json.endArray().name("failures").beginArray();
        for (Failure f : failureList) {
            json.beginObject()
                    .member("seq", f.seq)
                    .member("t", millis(f.ended))
                    .member("pool", f.pool)
                    .member("function", f.function)
                    .member("worker", f.worker)
                    .member("trace", f.trace())
                    .endObject();
        }
        json.endArray().name("events").beginArray();
        for (Event e : eventList) {
            json.beginObject()
                    .member("seq", e.seq)
                    .member("t", millis(e.at))
                    .member("pool", e.pool)
                    .member("text", e.text)
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    private String state(List<PoolState> pools) {
        Json json = new Json().beginObject().name("pools").beginArray();
        for (PoolState p : pools) {
            json.beginObject()
                    .member("name", p.name())
                    .member("kind", p.kind())
                    .member("n", p.n())
                    .member("pending", p.pending())
                    .member("shutdown", p.shutdown())
                    .endObject();
        }
        json.endArray().name("functions").beginArray();
        List<Function> fs = functions.all();
        fs.sort(Comparator.comparing((Function f) -> f.pool).thenComparing(f -> f.name));
        for (Function f : fs) {
            // Tasks ended first, then runs ended, then started, then submitted: see the class comment.
            long succeeded = f.succeeded.sum();
            long failed = f.failed.sum();
            long cancelled = f.cancelled.sum();
            long runsEnded = f.runsEnded.sum();
            long running = Math.max(0, f.started.sum() - runsEnded);
            long submitted = f.submitted.sum();
            json.beginObject()
                    .member("pool", f.pool)
                    .member("name", f.name)
                    .member("submitted", submitted)
                    .member("queued", Math.max(0, submitted - succeeded - failed - cancelled - running))
                    .member("running", running)
                    .member("done", succeeded)
                    .member("failed", failed)
                    .member("cancelled", cancelled)
                    .endObject();
        }
        json.endArray().name("workers").beginArray();
        List<Worker> ws = workers.all();
        ws.sort(Comparator.comparing((Worker w) -> w.pool).thenComparing(w -> w.name));
        for (Worker w : ws) {
            long ended = w.ended.sum();
            json.beginObject()
                    .member("pool", w.pool)
                    .member("name", w.name)
                    .member("up", w.up)
                    .member("running", Math.max(0, w.running()))
                    .member("done", ended)
                    .member("failed", w.failed.sum())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    private Function function(String pool, String name) {
        return functions.get(pool, name);
    }

    private Worker worker(String pool, String name) {
        return workers.get(pool, name);
    }

    private double millis(long nanos) {
        return (nanos - origin) / 1e6;
    }

    private static <T> List<T> drain(ArrayDeque<T> buffer) {
        synchronized (buffer) {
            List<T> items = new ArrayList<>(buffer);
            buffer.clear();
            return items;
        }
    }

    private static <T> void keep(ArrayDeque<T> ring, List<T> added, int capacity) {
        ring.addAll(added);
        while (ring.size() > capacity) {
            ring.removeFirst();
        }
    }

    private static final class Function {
        final String pool;
        final String name;
        final LongAdder submitted = new LongAdder();
        final LongAdder started = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder runsEnded = new LongAdder();

        Function(String pool, String name) {
            this.pool = pool;
            this.name = name;
        }
    }

    private static final class Worker {
        final String pool;
        final String name;
        final LongAdder started = new LongAdder();
        final LongAdder runsEnded = new LongAdder();
        /** Tasks that ended here (their last run ran here). */
        final LongAdder ended = new LongAdder();

        final LongAdder failed = new LongAdder();
        volatile boolean up = true;
        volatile long lastSeen;

        Worker(String pool, String name, long now) {
            this.pool = pool;
            this.name = name;
            this.lastSeen = now;
        }

        /** Runs started less runs ended, read in that order's reverse (see the class comment). */
        long running() {
            long runsEnded = this.runsEnded.sum();
            return started.sum() - runsEnded;
        }
    }

    private record Point(
            double t,
            double donePerSecond,
            double failedPerSecond,
            double run50,
            double run99,
            double latency50,
            double latency99) {}

    private record Bar(String pool, String worker, String function, long started, long ended, Future.State state) {}

    private static final class Failure {
        final String pool;
        final String function;
        final String worker;
        final long ended;
        private @Nullable Throwable error;
        private @Nullable String trace;
        long seq;

        Failure(String pool, String function, String worker, long ended, Throwable error) {
            this.pool = pool;
            this.function = function;
            this.worker = worker;
            this.ended = ended;
            this.error = error;
        }

        /** The stack trace, rendered once; the exception is then let go. */
        String trace() {
            if (trace == null) {
                StringWriter text = new StringWriter();
                if (error != null) {
                    error.printStackTrace(new PrintWriter(text));
                }
                String s = text.toString();
                trace = s.length() > TRACE_CHARS ? s.substring(0, TRACE_CHARS) + "\n\t... (cut)" : s;
                error = null;
            }
            return trace;
        }
    }

    private static final class Event {
        final String pool;
        final String text;
        final long at;
        long seq;

        Event(String pool, String text, long at) {
            this.pool = pool;
            this.text = text;
            this.at = at;
        }
    }
}
