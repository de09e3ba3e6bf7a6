package dev.background.internal;

import dev.background.spi.Engine;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A per-function limit on how many calls run at once, below the pool's own n. Calls over the
 * limit wait here, not in a worker, so they take no worker slot while they wait.
 *
 * <p>Maintainers: {@code active} counts permits held: by jobs handed to the engine and not yet
 * ended. Invariant: {@code active <= limit}. A job takes a permit before it goes to the engine and
 * gives it back exactly once, in {@link TaskFuture#run()}'s finally (or when the engine rejects
 * it, or, for a run followed by another, before the task is handed on). {@link #drain} is the only place that moves waiting jobs on; every path that may make a
 * permit or a waiting job appear (submit, release) calls it afterwards, so no job is left waiting
 * while a permit is free (the re-check of the queue after a failed poll closes the race between a
 * waiter's offer and a releaser's poll). No locks.
 */
public final class Gate {
    private final int limit;
    private final AtomicInteger active = new AtomicInteger();
    private final Queue<TaskFuture<?>> waiting = new ConcurrentLinkedQueue<>();

    Gate(int limit) {
        this.limit = limit;
    }

    void submit(TaskFuture<?> job, Engine engine) {
        waiting.add(job);
        drain(engine);
    }

    void release(Engine engine) {
        active.decrementAndGet();
        drain(engine);
    }

    private void drain(Engine engine) {
        while (!waiting.isEmpty()) {
            if (!tryAcquire()) {
                return;
            }
            TaskFuture<?> next = waiting.poll();
            if (next == null || !next.executeHoldingPermit(engine)) {
                active.decrementAndGet(); // nobody took the permit: free it and look again
            }
        }
    }

    private boolean tryAcquire() {
        for (int a = active.get(); a < limit; a = active.get()) {
            if (active.compareAndSet(a, a + 1)) {
                return true;
            }
        }
        return false;
    }
}
