package dev.background.cluster.internal;

import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An engine that owns something to close once it has terminated (the local cluster a demo pool
 * started for itself): delegates everything, and after a shutdown waits, in a daemon thread, for
 * the delegate to terminate, closes the resource, and only then reports termination.
 */
public final class OwningEngine implements Engine {
    private final Engine delegate;
    private final AutoCloseable owned;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean watching; // guarded by this

    /**
     * Wraps an engine.
     *
     * @param delegate the engine that runs the jobs
     * @param owned what to close once {@code delegate} has terminated
     */
    public OwningEngine(Engine delegate, AutoCloseable owned) {
        this.delegate = delegate;
        this.owned = owned;
    }

    @Override
    public void execute(Job job) {
        delegate.execute(job);
    }

    @Override
    public void resize(int n) {
        delegate.resize(n);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
        closeWhenTerminated();
    }

    @Override
    public List<Job> shutdownNow() {
        List<Job> never = delegate.shutdownNow();
        closeWhenTerminated();
        return never;
    }

    private synchronized void closeWhenTerminated() {
        if (watching) {
            return;
        }
        watching = true;
        Thread.ofPlatform().daemon().name("background-close-owned").start(() -> {
            try {
                while (!delegate.awaitTermination(1, TimeUnit.SECONDS)) {
                    // keep waiting: the pool above decides how long it waits for us
                }
                owned.close();
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            } finally {
                closed.countDown();
            }
        });
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return closed.getCount() == 0;
    }
}
