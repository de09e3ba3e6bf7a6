package dev.background.internal;

import dev.background.ExecutorKind;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An executor kind that is its own engine and does nothing but what a test puts in
 * {@link #execute}: no threads, no queue, nothing to shut down. For tests that drive a pool's
 * jobs by hand.
 */
abstract class StubKind implements ExecutorKind, Engine {

    @Override
    public String name() {
        return "stub";
    }

    @Override
    public int defaultN() {
        return 1;
    }

    @Override
    public Engine open(String poolName, int n) {
        return this;
    }

    @Override
    public void resize(int n) {}

    @Override
    public void shutdown() {}

    @Override
    public List<Job> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    @Override
    public boolean isTerminated() {
        return true;
    }
}
