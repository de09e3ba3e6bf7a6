package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The application's pools, made from the {@code background.*} properties: the default pool and
 * the named ones. Inject it to reach a pool: {@code pools.defaultPool()}, {@code pools.get("io")}.
 *
 * <p><b>Lifecycle.</b> The pools start their workers as tasks arrive. When the application
 * context closes, {@link #stop(Runnable)} shuts every pool down (new submits are rejected) and
 * lets the tasks already submitted finish, within Spring's timeout for a shutdown phase
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}, 30 s by default); its phase comes after the
 * web server's, so requests still being served can submit. Then {@link #destroy()} cancels what
 * is left and stops the workers (threads, processes or cluster clients).
 *
 * <p><b>Threads.</b> Every method may be called from any thread. The map of pools is fixed at
 * construction; {@code running} is volatile, written by Spring's lifecycle thread and read by any.
 */
public final class BackgroundPools implements SmartLifecycle, DisposableBean {

    /** The name of the default pool (the top-level {@code background.*} properties). */
    public static final String DEFAULT_POOL = "default";

    /**
     * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
     * ({@code DEFAULT_PHASE - 2048}): a request still being served may submit tasks.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** How long {@link #destroy()} waits for cancelled tasks and workers to end. */
    private static final long DESTROY_WAIT_SECONDS = 10;

    private static final System.Logger LOG = System.getLogger("dev.background.spring");

    private final Map<String, BackgroundPool> pools;
    private final @Nullable WorkerApplication workerApplication;
    private final PresentWorkers present;
    private volatile boolean running;
    /** Run first at stop, in the lifecycle thread; see {@link #beforeStop}. */
    private final List<Runnable> beforeStop = new CopyOnWriteArrayList<>();

    BackgroundPools(
            Map<String, BackgroundPool> pools, @Nullable WorkerApplication workerApplication, PresentWorkers present) {
        this.pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        this.workerApplication = workerApplication;
        this.present = present;
    }

    /** How many workers or members the remote pool of this name has at this moment; null for an in-JVM pool. */
    @Nullable
    Integer present(String name) {
        return present.count(name);
    }

    /** The application as worker processes start it to run {@code @Async} methods; null if it cannot be told. */
    @Nullable
    WorkerApplication workerApplication() {
        return workerApplication;
    }

    /**
     * The default pool, configured by the top-level {@code background.*} properties.
     *
     * @return the pool
     */
    public BackgroundPool defaultPool() {
        return get(DEFAULT_POOL);
    }

    /**
     * The pool of the given name: {@value #DEFAULT_POOL} or a name under {@code background.pools}.
     *
     * @param name the pool's name
     * @return the pool
     * @throws NullPointerException if {@code name} is null
     * @throws NoSuchElementException if no pool has that name (the message lists those that do)
     */
    public BackgroundPool get(String name) {
        Objects.requireNonNull(name, "name");
        BackgroundPool pool = pools.get(name);
        if (pool == null) {
            throw new NoSuchElementException("No background pool named '" + name + "'; configured: " + pools.keySet()
                    + " (add background.pools." + name + ".* to configure one)");
        }
        return pool;
    }

    /**
     * Every pool by name, the default first, then the named ones in the order configured.
     *
     * @return an unmodifiable map
     */
    public Map<String, BackgroundPool> all() {
        return pools;
    }

    /** Runs {@code action} at stop, before the pools shut down (the scheduler's pending firings are cancelled so). */
    void beforeStop(Runnable action) {
        beforeStop.add(Objects.requireNonNull(action, "action"));
    }

    @Override
    public void start() {
        running = true;
    }

    /** Not called by Spring (it calls {@link #stop(Runnable)}); shuts down and waits as that does. */
    @Override
    public void stop() {
        running = false;
        beforeStop.forEach(Runnable::run);
        pools.values().forEach(BackgroundPool::shutdown);
        awaitAll(Long.MAX_VALUE);
    }

    /**
     * Shuts every pool down and returns at once; {@code callback} runs, on a thread of its own, when
     * every task already submitted has ended. Spring waits for it at most its timeout per shutdown
     * phase, then goes on to {@link #destroy()}.
     */
    @Override
    public void stop(Runnable callback) {
        running = false;
        beforeStop.forEach(Runnable::run);
        pools.values().forEach(BackgroundPool::shutdown);
        Thread.ofPlatform().name("background-drain").daemon().start(() -> {
            awaitAll(Long.MAX_VALUE);
            callback.run();
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Cancels every task still queued or running (after the drain of {@link #stop(Runnable)}
     * timed out, or if the context closes without stopping) and waits up to 10 s for the workers
     * to end.
     */
    @Override
    public void destroy() {
        List<String> left = new ArrayList<>();
        pools.forEach((name, pool) -> {
            if (!pool.isTerminated()) {
                left.add(name + " (" + pool.pending() + " pending)");
            }
            pool.shutdownNow();
        });
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, "Cancelling the tasks left in background pools at shutdown: {0}", left);
        }
        if (!awaitAll(TimeUnit.SECONDS.toNanos(DESTROY_WAIT_SECONDS))) {
            LOG.log(Level.WARNING, "Background pools still running {0} s after cancellation", DESTROY_WAIT_SECONDS);
        }
    }

    /** Waits for every pool to terminate, at most {@code nanos}; false if time ran out. */
    private boolean awaitAll(long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            for (BackgroundPool pool : pools.values()) {
                long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (!pool.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "BackgroundPools" + pools.values();
    }
}
