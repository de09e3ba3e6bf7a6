package dev.background.micrometer;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Registration;
import dev.background.Task;
import dev.background.internal.observe.TaskNanos;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Binds one background pool, or every pool of the JVM, to a Micrometer {@link MeterRegistry},
 * with the names of Micrometer's own {@code ExecutorServiceMetrics} and per-function timers:
 *
 * <pre>{@code
 * BackgroundMetrics.of(pool).bindTo(registry);        // one pool
 * BackgroundMetrics.ofAllPools().bindTo(registry);    // every pool, those built later too
 * }</pre>
 *
 * <table>
 * <caption>Meters, each tagged {@code name} (the pool's name) plus the tags given; pools with the
 * same name share their meters, which count the tasks of them all</caption>
 * <tr><th>meter</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code executor.completed}</td><td>function counter</td><td>tasks ended (succeeded, failed or cancelled)</td></tr>
 * <tr><td>{@code executor.active}</td><td>gauge</td><td>tasks running now: calls under way, a periodic or retried task counted only during its runs</td></tr>
 * <tr><td>{@code executor.queued}</td><td>gauge</td><td>tasks submitted, not ended and not running (waiting for a worker, a delay, a retry's backoff or the next period)</td></tr>
 * <tr><td>{@code executor.pool.size}</td><td>gauge</td><td>the pool's {@code n}: how many tasks may run at once (summed over the pools of that name)</td></tr>
 * <tr><td>{@code executor.pool.max}</td><td>gauge</td><td>the same {@code n} (there is no separate maximum)</td></tr>
 * <tr><td>{@code executor}</td><td>timer</td><td>run time of each task, tagged {@code function} and {@code outcome}</td></tr>
 * <tr><td>{@code executor.idle}</td><td>timer</td><td>queue wait of each task, tagged {@code function} and {@code outcome}</td></tr>
 * </table>
 *
 * <p>{@code function} is the task's {@link Task#name()}; {@code outcome} is {@code SUCCESS},
 * {@code FAILED} or {@code CANCELLED}. To keep the number of time series bounded whatever names
 * a program gives its functions, each pool tags at most {@link #maxFunctionNames(int)} distinct
 * names (default {@value #DEFAULT_MAX_FUNCTION_NAMES}); the tasks of later names are timed under
 * {@code function="other"}.
 *
 * <p><b>Threads and cost.</b> Meters are updated by a {@link PoolListener}, in the threads that
 * start and end tasks: a few adds and two timer records per task, nothing that blocks. The
 * gauges are read by the registry, whenever it publishes. Methods may be called from any
 * thread.
 */
public final class BackgroundMetrics implements MeterBinder, AutoCloseable {
    /*
     * Maintainers' overview. `lock` orders configuration, bindTo, close and the creation of a
     * pool's meters, all rare; the hot path (the listener) reads `pools` (a concurrent map) and
     * updates LongAdders and timers without a lock. A pool's meters are made on its OPENED event
     * (every pool) or at bindTo (one pool), or on its first task if that comes first; once closed,
     * tasks of pools not yet seen count nowhere (PoolMeters.NONE). Timers of a function are made
     * on first use; the cap on function names is checked under the pool's `functions` lock, so it
     * is exact. `running` counts runs (PoolListener's taskStarted less runEnded: a periodic task runs
     * many times, a retried one once per attempt), in an AtomicLong rather than a LongAdder: the
     * gauge must never read above what runs, and a LongAdder's sum, read while one run ends and
     * another starts, can see the start and not the end. The pool tells a listener the end of
     * exactly the runs whose start it told it, so binding mid-run leaves no run counted for ever.
     * `queued` is counted from
     * the listener's own events (submitted, less ended, less running) rather than the pool's
     * pending(), which counts a task until its callbacks return, long after its end. Tasks in
     * flight when the meters are made are seeded from pending() (their ends are still to be
     * seen), and the gauge is capped by pending() less running, so that a seeded task whose end
     * was seen before (its callbacks were running) counts only while the pool is busy. The
     * listener is added before the seeding, so that no task is missed by both (which would leave
     * the gauge one low for as long as the pool is busy); a task seen by both, submitted in the
     * meantime from another thread, makes it err high instead, within the cap, and only while
     * tasks are in their callbacks. Meters made by a taskSubmitted leave that task out of the seed.
     *
     * Pools with the same name share one PoolMeters (`byTags`), as Micrometer would anyway (it
     * returns the meter already registered under an equal id): its counts are those of all of
     * them, its gauges sum their pending() and n over its `members`. A PoolMeters is findable in
     * `pools` before its meters are registered, since a meter-added hook may submit to the pool.
     *
     * Pools are held weakly (`pools` is keyed by a weak reference, and a pool's meters refer to
     * it weakly, as Micrometer's gauges do), so that every-pool metrics keep no dropped pool
     * alive. A pool collected since is swept the next time a pool's meters are made (the birth of
     * a pool, under `lock`) and at close: it leaves its PoolMeters' members, and the meters are
     * removed from the registry once no member is left. A PoolMeters whose meters are removed is
     * marked `removed` first, and a timer made after that (by a task ending meanwhile) removes
     * itself once it is in `meters`: either the removal sees it there or it sees the mark.
     */

    /** Default of {@link #maxFunctionNames(int)}. */
    public static final int DEFAULT_MAX_FUNCTION_NAMES = 100;

    /** The {@code function} tag of tasks past the cap on distinct names. */
    public static final String OTHER_FUNCTIONS = "other";

    private final @Nullable BackgroundPool pool;
    private Tags tags = Tags.empty();
    private int maxFunctionNames = DEFAULT_MAX_FUNCTION_NAMES;
    private final Map<PoolKey, PoolMeters> pools = new ConcurrentHashMap<>();
    /** The meters of the pools of each name, by their tags; guarded by {@code lock}. See the overview. */
    private final Map<Tags, PoolMeters> byTags = new HashMap<>();

    private final Object lock = new Object();
    private @Nullable MeterRegistry registry; // guarded by lock
    private @Nullable Registration listening; // guarded by lock
    private boolean closed; // guarded by lock

    private BackgroundMetrics(@Nullable BackgroundPool pool) {
        this.pool = pool;
    }

    /**
     * Metrics for one pool.
     *
     * @param pool the pool
     * @return a binder, not yet bound
     * @throws NullPointerException if {@code pool} is null
     */
    public static BackgroundMetrics of(BackgroundPool pool) {
        return new BackgroundMetrics(Objects.requireNonNull(pool, "pool"));
    }

    /**
     * Metrics for every pool of this JVM: those that exist when bound and those built later,
     * each tagged with its own name.
     *
     * @return a binder, not yet bound
     */
    public static BackgroundMetrics ofAllPools() {
        return new BackgroundMetrics(null);
    }

    /**
     * Adds tags to every meter, as {@code ExecutorServiceMetrics} takes them.
     *
     * @param tags the tags
     * @return this binder
     * @throws NullPointerException if {@code tags} is null
     * @throws IllegalStateException if already bound
     */
    public BackgroundMetrics tags(Iterable<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        synchronized (lock) {
            checkNotBound();
            this.tags = this.tags.and(tags);
        }
        return this;
    }

    /**
     * Caps how many distinct function names each pool tags its timers with; tasks of further
     * names are timed under {@code function="}{@value #OTHER_FUNCTIONS}{@code "}.
     *
     * @param max at least 0 (0 times every task under {@value #OTHER_FUNCTIONS})
     * @return this binder
     * @throws IllegalArgumentException if {@code max} is negative
     * @throws IllegalStateException if already bound
     */
    public BackgroundMetrics maxFunctionNames(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxFunctionNames must not be negative: " + max);
        }
        synchronized (lock) {
            checkNotBound();
            this.maxFunctionNames = max;
        }
        return this;
    }

    private void checkNotBound() {
        if (registry != null || closed) {
            throw new IllegalStateException("the metrics are already bound to a registry, or closed");
        }
    }

    /**
     * Registers the meters in {@code registry} and starts updating them. A binder binds to one
     * registry, once (use a {@code CompositeMeterRegistry} for several). For every pool, the
     * meters of pools that exist now are registered before this returns, those of later pools
     * when they are built.
     *
     * @param registry the registry
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if already bound, or closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lock) {
            checkNotBound();
            this.registry = registry;
            if (pool != null) {
                listening = pool.addListener(new Listener()); // first: see the overview
                meters(pool);
            } else {
                listening = BackgroundPool.addListenerToAllPools(new Listener());
            }
        }
    }

    /**
     * Stops updating the meters and removes them from the registry. Idempotent.
     */
    @Override
    public void close() {
        MeterRegistry r;
        List<PoolMeters> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            r = registry;
            all = new ArrayList<>(byTags.values());
            byTags.clear();
            if (listening != null) {
                listening.remove();
            }
        }
        if (r != null) {
            for (PoolMeters m : all) {
                m.remove(r);
            }
        }
        pools.clear();
    }

    /**
     * Forgets the pools collected since the last sweep, and the meters no pool uses any more; under
     * {@code lock}. Looks at every key rather than at a reference queue: a reference is cleared
     * before the JVM enqueues it, so a queue can still be empty when a pool is already gone.
     */
    private void sweep(MeterRegistry r) {
        for (Iterator<Map.Entry<PoolKey, PoolMeters>> it = pools.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PoolKey, PoolMeters> e = it.next();
            if (e.getKey().get() != null) {
                continue;
            }
            it.remove();
            PoolMeters m = e.getValue();
            m.members.remove(e.getKey());
            if (m.members.isEmpty()) {
                byTags.remove(m.tags);
                m.remove(r);
            }
        }
    }

    private PoolMeters meters(BackgroundPool p) {
        return meters(p, false);
    }

    /**
     * The meters of {@code p}, made if need be.
     *
     * @param submitting whether this is for the {@code taskSubmitted} of a task of {@code p}, which
     *     {@code pending()} counts already: meters made now must not count it twice
     */
    private PoolMeters meters(BackgroundPool p, boolean submitting) {
        PoolKey key = new PoolKey(p);
        PoolMeters m = pools.get(key);
        if (m == null) {
            synchronized (lock) {
                MeterRegistry r = registry;
                m = pools.get(key);
                if (m == null && r != null && !closed) {
                    sweep(r);
                    Tags t = tags.and("name", p.name());
                    m = byTags.get(t);
                    boolean first = m == null;
                    if (m == null) {
                        m = new PoolMeters(r, t, maxFunctionNames);
                        byTags.put(t, m);
                    }
                    PoolKey member = new PoolKey(p);
                    m.submitted.add(p.pending() - (submitting ? 1 : 0)); // see the overview
                    m.members.add(member);
                    pools.put(member, m);
                    if (first) {
                        m.register(); // once findable: see the overview
                    }
                }
            }
        }
        return m == null ? PoolMeters.NONE : m;
    }

    /**
     * A pool as a map key, by identity, held weakly. A key whose pool was collected equals only
     * itself (the sweep removes it as itself).
     */
    private static final class PoolKey extends WeakReference<BackgroundPool> {
        private final int hash;

        PoolKey(BackgroundPool pool) {
            super(pool);
            this.hash = System.identityHashCode(pool);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(@Nullable Object other) {
            if (other == this) {
                return true;
            }
            if (!(other instanceof PoolKey k) || k.hash != hash) {
                return false;
            }
            BackgroundPool pool = get();
            return pool != null && pool == k.get();
        }
    }

    private final class Listener implements PoolListener {
        @Override
        public void poolEvent(PoolEvent event) {
            if (event.type() == PoolEvent.Type.OPENED) {
                meters(event.pool());
            }
        }

        @Override
        public void taskSubmitted(BackgroundPool p, Task<?> task) {
            meters(p, true).submitted.increment();
        }

        @Override
        public void taskStarted(BackgroundPool p, Task<?> task) {
            meters(p).running.incrementAndGet();
        }

        @Override
        public void runEnded(BackgroundPool p, Task<?> task) {
            meters(p).running.decrementAndGet();
        }

        @Override
        public void taskEnded(BackgroundPool p, Task<?> task) {
            meters(p).ended(task);
        }
    }

    /** The meters of the pools of one name, and the counts behind their gauges. */
    private static final class PoolMeters {
        static final PoolMeters NONE = new PoolMeters();

        /** The pools, weakly, as the gauges hold them: see the overview. */
        final Set<PoolKey> members = ConcurrentHashMap.newKeySet();

        /** Set before the meters are removed from the registry; see the overview. */
        volatile boolean removed;

        final LongAdder submitted = new LongAdder();
        /** Runs started less runs ended; see the overview. */
        final AtomicLong running = new AtomicLong();

        final LongAdder completed = new LongAdder();
        final CopyOnWriteArrayList<Meter> meters = new CopyOnWriteArrayList<>();
        final @Nullable MeterRegistry registry;
        final Tags tags;
        final int maxNames;
        final Map<String, FunctionTimers> functions = new ConcurrentHashMap<>();
        final @Nullable FunctionTimers other;

        private PoolMeters() { // for tasks of a pool seen after close: counted nowhere
            this.registry = null;
            this.tags = Tags.empty();
            this.maxNames = 0;
            this.other = null;
        }

        PoolMeters(MeterRegistry registry, Tags tags, int maxNames) {
            this.registry = registry;
            this.tags = tags;
            this.maxNames = maxNames;
            this.other = new FunctionTimers(OTHER_FUNCTIONS, this);
        }

        /** Registers the meters, once. */
        void register() {
            MeterRegistry registry = Objects.requireNonNull(this.registry);
            meters.add(FunctionCounter.builder("executor.completed", completed, LongAdder::sum)
                    .tags(tags)
                    .description("The approximate total number of tasks that have completed execution")
                    .baseUnit("tasks")
                    .register(registry));
            meters.add(Gauge.builder("executor.active", running, AtomicLong::get)
                    .tags(tags)
                    .description("The approximate number of tasks that are actively executing")
                    .baseUnit("tasks")
                    .register(registry));
            meters.add(Gauge.builder("executor.queued", this, PoolMeters::queued)
                    .tags(tags)
                    .description("The approximate number of tasks that are queued for execution")
                    .baseUnit("tasks")
                    .register(registry));
            meters.add(Gauge.builder("executor.pool.size", this, PoolMeters::n)
                    .tags(tags)
                    .description("How many tasks the pool runs at once (its n)")
                    .baseUnit("tasks")
                    .register(registry));
            meters.add(Gauge.builder("executor.pool.max", this, PoolMeters::n)
                    .tags(tags)
                    .description("The most tasks the pool runs at once (its n)")
                    .baseUnit("tasks")
                    .register(registry));
        }

        /** Marks these meters removed, then removes them from the registry. */
        void remove(MeterRegistry r) {
            removed = true;
            meters.forEach(r::remove);
        }

        /** The sum of the live members' {@code n}. */
        static double n(PoolMeters m) {
            long n = 0;
            for (PoolKey k : m.members) {
                BackgroundPool p = k.get();
                n += p == null ? 0 : p.n();
            }
            return n;
        }

        static double queued(PoolMeters m) {
            long pending = 0;
            for (PoolKey k : m.members) {
                BackgroundPool p = k.get();
                pending += p == null ? 0 : p.pending();
            }
            long running = m.running.get();
            long notEnded = m.submitted.sum() - m.completed.sum(); // a task between the reads errs low
            return Math.max(0, Math.min(pending, notEnded) - running);
        }

        void ended(Task<?> task) {
            FunctionTimers f = timers(task.name());
            if (f == null) {
                return; // NONE
            }
            // Raw nanos, not task.timings(): that builds a TaskTimings with Instants and Durations
            // for every task. The same figures as its runTime() and queueWait().
            long started = TaskNanos.started(task);
            long ended = TaskNanos.ended(task);
            completed.increment(); // the task's last run was told ended before this (PoolListener's order)
            int outcome = FunctionTimers.outcome(task.state());
            f.run(outcome).record(started == 0 ? 0 : Math.max(0, ended - started), TimeUnit.NANOSECONDS);
            f.idle(outcome)
                    .record(
                            Math.max(0, (started == 0 ? ended : started) - TaskNanos.submitted(task)),
                            TimeUnit.NANOSECONDS);
        }

        private @Nullable FunctionTimers timers(String name) {
            FunctionTimers f = functions.get(name);
            if (f != null || registry == null) {
                return f != null ? f : other;
            }
            synchronized (functions) {
                f = functions.get(name);
                if (f == null) {
                    if (functions.size() >= maxNames) {
                        return other;
                    }
                    f = new FunctionTimers(name, this);
                    functions.put(name, f);
                }
                return f;
            }
        }
    }

    /** The two timers of one function, per outcome, made on first use. */
    private static final class FunctionTimers {
        private static final String[] OUTCOMES = {"SUCCESS", "FAILED", "CANCELLED"};

        /** The index in {@link #OUTCOMES} of an ended task's state. */
        static int outcome(Future.State state) {
            return switch (state) {
                case SUCCESS, RUNNING -> 0; // RUNNING never: the task has ended
                case FAILED -> 1;
                case CANCELLED -> 2;
            };
        }

        private final String function;
        private final PoolMeters owner;
        // Made on first use, so that outcomes that never happen add no time series. Racing
        // makers get the same timer from the registry, which keys meters by name and tags.
        private final AtomicReferenceArray<Timer> run = new AtomicReferenceArray<>(OUTCOMES.length);
        private final AtomicReferenceArray<Timer> idle = new AtomicReferenceArray<>(OUTCOMES.length);

        FunctionTimers(String function, PoolMeters owner) {
            this.function = function;
            this.owner = owner;
        }

        Timer run(int outcome) {
            Timer t = run.get(outcome);
            if (t == null) {
                t = make("executor", "Run time of the pool's tasks", outcome);
                run.set(outcome, t);
            }
            return t;
        }

        Timer idle(int outcome) {
            Timer t = idle.get(outcome);
            if (t == null) {
                t = make("executor.idle", "Time the pool's tasks waited in the queue", outcome);
                idle.set(outcome, t);
            }
            return t;
        }

        private Timer make(String name, String description, int outcome) {
            MeterRegistry r = Objects.requireNonNull(owner.registry);
            Timer t = Timer.builder(name)
                    .tags(owner.tags)
                    .tag("function", function)
                    .tag("outcome", OUTCOMES[outcome])
                    .description(description)
                    .register(r);
            owner.meters.addIfAbsent(t);
            if (owner.removed) { // the binder closed, or the pools were collected, meanwhile
                r.remove(t);
            }
            return t;
        }
    }
}
