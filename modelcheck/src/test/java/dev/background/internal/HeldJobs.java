package dev.background.internal;

import dev.background.Task;
import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An executor kind whose engine runs nothing by itself: it keeps the jobs handed to it, and the
 * model check's operations take them ({@link #poll}) and run them on the checker's threads, so
 * that the checker controls every step of a job's life.
 */
final class HeldJobs extends StubKind {
    private final ConcurrentLinkedQueue<Job> handed = new ConcurrentLinkedQueue<>();
    /** Jobs handed to the engine and not yet taken back, for invariants on what the engine holds. */
    final AtomicInteger inEngine = new AtomicInteger();
    /** Set by {@link #shutdown()}: from then on the engine refuses jobs, as a real one does. */
    private volatile boolean shut;

    /** A pool on this engine, not watched at exit, whose callback counts task ends. */
    PoolCore pool(Consumer<? super Task<?>> callback) {
        return new PoolCore("model", this, 1, 16, List.of(callback), false);
    }

    Job poll() {
        Job job = handed.poll();
        if (job != null) {
            inEngine.decrementAndGet();
        }
        return job;
    }

    @Override
    public void shutdown() {
        shut = true;
    }

    @Override
    public void execute(Job job) {
        if (shut) {
            throw new RejectedExecutionException("model engine is shut down");
        }
        inEngine.incrementAndGet();
        handed.add(job);
    }

    @Override
    public String name() {
        return "model";
    }
}
