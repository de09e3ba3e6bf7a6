package dev.background.cluster.internal;

import java.util.concurrent.TimeUnit;

/**
 * A worker's graceful leave: once {@link #drain} has begun, tasks that reach the worker's threads
 * are declined (the pool sends them elsewhere; they never began here) while those already
 * running finish and answer; then the worker may leave. Sits in the member's user context, where
 * {@link RemoteCall} finds it.
 *
 * <p>Maintainers: thread-safe by its monitor. {@link #enter} and the flag are decided under it, so
 * a task either counts as running (and is waited for) or is declined; never both, never neither.
 * The quiet period after the last task lets its answer leave on the wire before the member's
 * connections close: an answer lost then would make the pool run the task again.
 */
public final class Drain {
    private int running;
    private boolean draining;
    private long lastChange = System.nanoTime();

    /** Called by a task about to run: true if it may run, false if it must be declined. */
    synchronized boolean enter() {
        lastChange = System.nanoTime();
        if (draining) {
            return false;
        }
        running++;
        return true;
    }

    /** Called by a task that has run and whose answer is ready. */
    synchronized void exit() {
        running--;
        lastChange = System.nanoTime();
        notifyAll();
    }

    /** Whether a drain has begun. */
    public synchronized boolean draining() {
        return draining;
    }

    /**
     * Declines tasks from now on and blocks until no task runs and none has ended or been
     * declined for {@code quiet} (so that the last answers have left), or {@code limit} has passed.
     *
     * @return true if drained, false if {@code limit} passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public synchronized boolean drain(long quiet, long limit, TimeUnit unit) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + unit.toNanos(limit);
        long quietNanos = unit.toNanos(quiet);
        while (true) {
            long now = System.nanoTime();
            if (running == 0 && now - lastChange >= quietNanos) {
                return true;
            }
            if (now - deadline >= 0) {
                return false;
            }
            long wait = running > 0 ? deadline - now : Math.min(deadline - now, lastChange + quietNanos - now);
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, wait));
        }
    }
}
