package dev.background.internal;

import dev.background.ExecutorKind;
import dev.background.spi.Engine;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform-thread engine, and the home of both in-JVM kinds (the virtual one runs on
 * {@link VirtualEngine}). The limit, the queue and the lifecycle are {@link InJvmEngine}'s; this
 * class only supplies threads, from a {@link ThreadPoolExecutor} with {@code core = max = n}, an
 * unbounded queue and platform daemon threads, used as a cache of threads: it never holds more
 * than {@code n} workers at once beyond those still ending after a lowering, and its own size is
 * not what limits jobs (a {@code ThreadPoolExecutor} lowered while idle runs more tasks at once
 * than its new size for a moment, see {@link InJvmEngine}).
 *
 * <p>Threads are daemons, started as needed and retired after 60 s idle, so an idle pool never
 * keeps the JVM alive; the wait for queued work at exit is {@link ExitGuard}'s job. The executor
 * is shut down by {@link #shutdownNow()} (which interrupts its threads) or once the engine has
 * terminated. {@code resize} is synchronised only to keep the executor's core and maximum sizes
 * in step.
 */
public final class ThreadEngine extends InJvmEngine {

    /** Default n of the virtual-thread kind; see {@link ExecutorKind#virtualThreads()}. */
    public static final int VIRTUAL_DEFAULT_N = 1_000;

    public static final ExecutorKind PLATFORM = new Kind("threads", false);
    public static final ExecutorKind VIRTUAL = new Kind("virtual-threads", true);

    private record Kind(String name, boolean virtual) implements ExecutorKind {
        @Override
        public int defaultN() {
            return virtual ? VIRTUAL_DEFAULT_N : Runtime.getRuntime().availableProcessors();
        }

        @Override
        public Engine open(String poolName, int n) {
            return virtual ? new VirtualEngine(poolName, n) : new ThreadEngine(poolName, n);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final ThreadFactory threads;
    private final ThreadPoolExecutor executor;

    private ThreadEngine(String poolName, int n) {
        super(poolName, n);
        this.threads = Thread.ofPlatform()
                .daemon()
                .inheritInheritableThreadLocals(false) // a pool thread must not carry its starter's values
                .name("background-" + poolName + "-", 1)
                .factory();
        this.executor = new ThreadPoolExecutor(
                threadsFor(n), threadsFor(n), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * The executor's size for {@code n}: a {@code ThreadPoolExecutor} keeps its sizes in 29 bits
     * and masks larger ones (2^29 would be 0 threads: nothing would run). More threads than that
     * are never started anyway; the limit is the engine's.
     */
    static int threadsFor(int n) {
        return Math.min(n, MAX_THREADS);
    }

    /** {@code ThreadPoolExecutor}'s largest size, its {@code COUNT_MASK}. */
    static final int MAX_THREADS = (1 << 29) - 1;

    @Override
    void startThread(Runnable worker) {
        try {
            executor.execute(worker);
        } catch (RejectedExecutionException stopped) {
            // Only after shutdownNow (no worker starts once terminated): a job taken from the
            // queue just before the stop is a running job; it runs, interrupted.
            threads.newThread(worker).start();
        }
    }

    @Override
    List<Runnable> interruptWorkers() {
        return executor.shutdownNow();
    }

    @Override
    void onTerminated() {
        executor.shutdown();
    }

    @Override
    public synchronized void resize(int n) {
        // The executor has room for n workers before n is raised, and ThreadPoolExecutor
        // requires core <= max at every step.
        int size = threadsFor(n);
        if (size > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(size);
            executor.setCorePoolSize(size);
            super.resize(n);
        } else {
            super.resize(n);
            executor.setCorePoolSize(size);
            executor.setMaximumPoolSize(size);
        }
    }
}
