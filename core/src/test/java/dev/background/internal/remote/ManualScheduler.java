package dev.background.internal.remote;

import java.util.PriorityQueue;

/** A scheduler whose time moves only when a test says; tasks run in the test's thread, in time order. */
final class ManualScheduler implements Scheduler {
    private record Entry(long due, long seq, Runnable task) {}

    private final PriorityQueue<Entry> tasks =
            new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;
    /** Whether {@link #settle} defers its work as the real scheduler does (to another thread), rather than running it at once. */
    volatile boolean settleLater;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        tasks.add(new Entry(now + Math.max(0, delayNanos), seq++, task));
    }

    @Override
    public void settle(Runnable settlements) {
        if (settleLater) {
            schedule(settlements, 0);
        } else {
            settlements.run();
        }
    }

    /** Runs every task due now, including those they schedule for now. */
    void runDue() {
        while (true) {
            Entry e;
            synchronized (this) {
                e = tasks.peek();
                if (e == null || e.due > now) {
                    return;
                }
                tasks.poll();
            }
            e.task.run();
        }
    }

    /** Moves time forward, running what falls due on the way, in order. */
    void advanceMillis(long millis) {
        advanceNanos(millis * 1_000_000L);
    }

    /** Moves time forward, running what falls due on the way, in order. */
    void advanceNanos(long nanos) {
        long target;
        synchronized (this) {
            target = now + nanos;
        }
        while (true) {
            Entry e;
            synchronized (this) {
                e = tasks.peek();
                if (e == null || e.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, e.due);
            }
            e.task.run();
        }
    }
}
