package dev.background.spring.boot.autoconfigure;

import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/**
 * The scheduler of {@code @Scheduled} methods on the default pool: a {@link ConcurrentTaskScheduler}
 * that cancels its one-shot schedules (a trigger's, such as a cron, and a single run at an
 * instant) when the pools stop. A pool's {@code shutdown} keeps its delayed tasks, as the JDK's
 * does, and Spring cancels a bean's scheduled tasks only when it destroys the bean, after the
 * lifecycle stop, which would wait for the next firing (up to its shutdown-phase timeout).
 * Periodic schedules need nothing: {@code shutdown} cancels them.
 *
 * <p>Maintainers: thread-safe; {@code scheduled} is a concurrent set, pruned of ended schedules
 * when it has doubled since the last pruning, so it holds O(live schedules).
 */
final class PoolTaskScheduler extends ConcurrentTaskScheduler {
    private final Set<ScheduledFuture<?>> scheduled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pruneAt = new AtomicInteger(64);

    PoolTaskScheduler(ScheduledExecutorService pool) {
        super(pool);
    }

    @Override
    public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
        ScheduledFuture<?> f = super.schedule(task, trigger);
        if (f != null) { // null: a trigger with no first time
            remember(f);
        }
        return f;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
        ScheduledFuture<?> f = super.schedule(task, startTime);
        remember(f);
        return f;
    }

    /** Cancels every one-shot schedule not yet run, and the next firings of triggers; any thread. */
    void cancelPending() {
        for (Iterator<ScheduledFuture<?>> it = scheduled.iterator(); it.hasNext(); ) {
            it.next().cancel(false);
            it.remove();
        }
    }

    private void remember(ScheduledFuture<?> f) {
        scheduled.add(f);
        int size = scheduled.size();
        int at = pruneAt.get();
        if (size >= at && pruneAt.compareAndSet(at, Integer.MAX_VALUE)) {
            scheduled.removeIf(ScheduledFuture::isDone);
            pruneAt.set(Math.max(64, 2 * scheduled.size()));
        }
    }
}
