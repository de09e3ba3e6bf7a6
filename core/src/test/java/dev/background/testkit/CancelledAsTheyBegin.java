package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.internal.observe.TaskNanos;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A stress load for the race between a delayed task's first run and its cancel: many threads,
 * released at once, each scheduling no-ops a nanosecond ahead and cancelling each as it begins;
 * then the pool is shut down and drained. The window between a run's start and the runner's next
 * look at the task is nanoseconds wide, so cancels come at once, once the task is seen begun, or
 * after a spin of up to 20 microseconds; half the threads cancel with an interrupt.
 */
public final class CancelledAsTheyBegin {
    private CancelledAsTheyBegin() {}

    /**
     * Schedules and cancels {@code perThread} tasks from each of {@code threads} threads at once,
     * then shuts the pool down and waits (two minutes at most) for it to end.
     *
     * @param pool the pool, open; its kind may serialise the no-op
     * @param threads how many cancelling threads
     * @param perThread how many tasks each schedules and cancels
     * @return every task scheduled
     * @throws InterruptedException if interrupted while waiting
     */
    public static List<Task<?>> scheduleCancelAndDrain(BackgroundPool pool, int threads, int perThread)
            throws InterruptedException {
        List<Task<?>> tasks = new CopyOnWriteArrayList<>();
        Runnable noop = (Runnable & Serializable) () -> {};
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> cancellers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean interrupt = t % 2 == 0;
            cancellers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<Task<?>> mine = new ArrayList<>(perThread);
                for (int i = 0; i < perThread; i++) {
                    Task<?> task = (Task<?>) pool.schedule(noop, 1, TimeUnit.NANOSECONDS);
                    long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(20_000);
                    while ((i % 3 == 1 && TaskNanos.started(task) == 0 && !task.isDone())
                            || (i % 3 == 2 && System.nanoTime() < until)) {
                        Thread.onSpinWait();
                    }
                    task.cancel(interrupt);
                    mine.add(task);
                }
                tasks.addAll(mine);
            }));
        }
        go.countDown();
        for (Thread t : cancellers) {
            t.join();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        return tasks;
    }
}
