package dev.background.internal.remote;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time and deferred work for a {@link RemoteDispatcher}: the real one runs on one shared daemon
 * timer thread; tests pass a manual one, so that time moves only when they say.
 */
public interface Scheduler {

    /**
     * The current time, for intervals only.
     *
     * @return nanoseconds, as {@link System#nanoTime()}
     */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delayNanos}, in another thread.
     *
     * @param task what to run
     * @param delayNanos how long from now
     */
    void schedule(Runnable task, long delayNanos);

    /**
     * Runs {@code task} soon, in another thread: never in the calling one.
     *
     * @param task what to run
     */
    default void execute(Runnable task) {
        schedule(task, 0);
    }

    /**
     * Runs {@code settlements} (which run user callbacks, and so may block) off the timer thread,
     * when a timer decides to fail calls: a callback that blocks must not hold up every
     * dispatcher's timers. This default runs them in the calling thread, as a manual clock's
     * tests want.
     *
     * @param settlements what to run
     */
    default void settle(Runnable settlements) {
        settlements.run();
    }

    /**
     * The scheduler of real time: one daemon thread shared by every dispatcher in the JVM.
     * Its tasks are short (they send a frame, or take the dispatcher's lock briefly).
     *
     * @return the shared scheduler
     */
    static Scheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** The real scheduler. */
    final class SystemScheduler implements Scheduler {
        static final SystemScheduler INSTANCE = new SystemScheduler();

        private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("background-remote-timer").factory());

        private SystemScheduler() {
            timer.setRemoveOnCancelPolicy(true);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        @SuppressWarnings("FutureReturnValueIgnored") // each task decides for itself whether it is still due
        public void schedule(Runnable task, long delayNanos) {
            timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void execute(Runnable task) {
            timer.execute(task);
        }

        @Override
        public void settle(Runnable settlements) {
            Thread.ofVirtual().name("background-remote-settle").start(settlements);
        }
    }
}
