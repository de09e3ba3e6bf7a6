package dev.background.testkit;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.context.ContextPropagator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's pools, one per executor kind named by a string, every one propagating the same
 * context: for tests that check a propagator on every kind. {@code "threads"} and
 * {@code "virtual"} are built in; other kinds come from the factories given, and a kind that
 * needs something started first (a local cluster) from {@link #shared}, started on first use
 * and kept for the whole class. Register it as a static extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PoolsPerKind pools = new PoolsPerKind("mdc", new MdcPropagator())
 *         .kind("processes", () -> ProcessKind.builder().build())
 *         .shared("cluster", () -> LocalCluster.builder().members(1).n(4).start(), LocalCluster::kind);
 * }</pre>
 *
 * <p>The pools a test made are closed after it (after the test class's own {@code @AfterEach}
 * methods); what {@link #shared} started is closed after the class. Configure it before the
 * tests run; {@link #pool} may be called from any thread.
 */
public final class PoolsPerKind implements AfterEachCallback, AfterAllCallback {
    private static final int N = 4;

    private final String prefix;
    private final ContextPropagator<?> propagator;
    private final Map<String, Supplier<? extends ExecutorKind>> kinds = new LinkedHashMap<>();
    private final List<AutoCloseable> started = new ArrayList<>(); // guarded by this
    private final List<BackgroundPool> pools = new ArrayList<>(); // guarded by this

    /**
     * Pools named {@code prefix-kind}, of {@value #N} workers, that propagate {@code propagator}.
     *
     * @param prefix the start of each pool's name
     * @param propagator the propagator every pool gets
     */
    public PoolsPerKind(String prefix, ContextPropagator<?> propagator) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.propagator = Objects.requireNonNull(propagator, "propagator");
        kinds.put("threads", ExecutorKind::threads);
        kinds.put("virtual", ExecutorKind::virtualThreads);
    }

    /**
     * Adds a kind, made anew for each pool.
     *
     * @param name the kind's name, as the tests give it to {@link #pool}
     * @param kind makes the kind
     * @return this
     */
    public PoolsPerKind kind(String name, Supplier<? extends ExecutorKind> kind) {
        kinds.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(kind, "kind"));
        return this;
    }

    /**
     * Adds a kind that runs on something started once, on the first pool of that kind, and
     * closed after the test class.
     *
     * @param name the kind's name, as the tests give it to {@link #pool}
     * @param start starts what the kind runs on
     * @param kind the kind of what was started
     * @param <R> what is started
     * @return this
     */
    public <R extends AutoCloseable> PoolsPerKind shared(
            String name, Supplier<? extends R> start, Function<? super R, ? extends ExecutorKind> kind) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(kind, "kind");
        return kind(name, new Supplier<ExecutorKind>() {
            private @Nullable R resource; // guarded by PoolsPerKind.this

            @Override
            public ExecutorKind get() {
                synchronized (PoolsPerKind.this) {
                    R r = resource;
                    if (r == null) {
                        r = start.get();
                        started.add(r);
                        resource = r;
                    }
                    return kind.apply(r);
                }
            }
        });
    }

    /**
     * A new pool of {@code kind}, closed after the test.
     *
     * @param kind a kind's name: {@code "threads"}, {@code "virtual"} or one added
     * @return the pool
     * @throws IllegalArgumentException if no kind has that name
     */
    public BackgroundPool pool(String kind) {
        Supplier<? extends ExecutorKind> k = kinds.get(kind);
        if (k == null) {
            throw new IllegalArgumentException(kind);
        }
        BackgroundPool p = BackgroundPool.builder()
                .name(prefix + "-" + kind)
                .n(N)
                .awaitTasksAtExit(false)
                .propagate(propagator)
                .kind(k.get())
                .build();
        synchronized (this) {
            pools.add(p);
        }
        return p;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        pools.forEach(BackgroundPool::close);
        pools.clear();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        for (AutoCloseable r : started) {
            r.close();
        }
        started.clear();
    }
}
