package dev.background.internal.remote;

import dev.background.function.CheckedCallable;
import dev.background.spi.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** A job that records how the dispatcher treats it; settled like the pool's tasks (first wins). */
final class FakeJob extends CompletableFuture<@Nullable Object> implements Job {
    final String name;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger settlements = new AtomicInteger();
    volatile @Nullable Runnable interrupter;
    /** Where the dispatcher said it runs, at its start. */
    volatile @Nullable String where;
    /** The call's time limit, 0 for none. */
    volatile long timeLimitNanos;
    /** Runs first thing in {@link #start}: plays a cancel, or a permit handed on, landing there. */
    volatile @Nullable Runnable onStart;

    FakeJob(String name) {
        this.name = name;
    }

    /** Submits {@code count} jobs named {@code job0}... with payloads {@code payload0}..., in order. */
    static List<FakeJob> submit(RemoteDispatcher<?, String> d, int count) {
        List<FakeJob> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FakeJob j = new FakeJob("job" + i);
            d.execute(j, "payload" + i);
            jobs.add(j);
        }
        return jobs;
    }

    @Override
    public CheckedCallable<?> callable() {
        return () -> null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run() {
        throw new UnsupportedOperationException("remote jobs are not run in this JVM");
    }

    @Override
    public boolean start(Runnable interrupter) {
        Runnable hook = onStart;
        if (hook != null) {
            hook.run();
        }
        starts.incrementAndGet();
        this.interrupter = interrupter;
        return !isDone();
    }

    @Override
    public boolean start(Runnable interrupter, String where) {
        this.where = where;
        return start(interrupter);
    }

    @Override
    public long timeLimitNanos() {
        return timeLimitNanos;
    }

    @Override
    public void succeed(@Nullable Object value) {
        settlements.incrementAndGet();
        complete(value);
    }

    @Override
    public void fail(Throwable error) {
        settlements.incrementAndGet();
        completeExceptionally(error);
    }

    @Override
    public String toString() {
        return name;
    }
}
