package dev.background.internal;

import dev.background.ExecutorKind;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform-thread engine, and the home of both in-JVM kinds (the virtual one runs on
 * {@link VirtualEngine}): a {@link ThreadPoolExecutor} with {@code core = max = n}, an unbounded
 * queue and platform daemon threads. Reusing the JDK's executor gives its proven resizing for
 * free: {@code setCorePoolSize} up starts workers for queued jobs at once, and down retires
 * workers only as they go idle, interrupting no running job.
 *
 * <p>Threads are daemons, so an idle pool never keeps the JVM alive; the wait for queued work at
 * exit is {@link ExitGuard}'s job.
 */
public final class ThreadEngine implements Engine {

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

    private final ThreadPoolExecutor executor;
    private final String poolName;

    private ThreadEngine(String poolName, int n) {
        this.poolName = poolName;
        ThreadFactory threads = Thread.ofPlatform().daemon().name("background-" + poolName + "-", 1).factory();
        this.executor = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads, (r, e) -> {
                    throw new RejectedExecutionException("background pool '" + poolName
                            + "' is shut down and takes no new tasks");
                });
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Job job) {
        executor.execute(job);
    }

    @Override
    public synchronized void resize(int n) {
        // ThreadPoolExecutor requires core <= max at every step.
        if (n > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(n);
            executor.setCorePoolSize(n);
        } else {
            executor.setCorePoolSize(n);
            executor.setMaximumPoolSize(n);
        }
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    @Override
    public List<Job> shutdownNow() {
        List<Runnable> queued = executor.shutdownNow();
        List<Job> jobs = new ArrayList<>(queued.size());
        for (Runnable r : queued) {
            jobs.add((Job) r);
        }
        return jobs;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return executor.awaitTermination(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    @Override
    public String toString() {
        return "ThreadEngine[" + poolName + ", " + executor + "]";
    }
}
