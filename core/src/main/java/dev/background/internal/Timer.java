package dev.background.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread shared by every pool, for per-function time limits. Created on first use;
 * a daemon, so it never keeps the JVM alive. Timer actions only settle futures and send
 * interrupts: they never run user code.
 */
final class Timer {
    private Timer() {}

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            var t = new ScheduledThreadPoolExecutor(
                    1,
                    Thread.ofPlatform()
                            .daemon()
                            .inheritInheritableThreadLocals(false) // nor its callers' values
                            .name("background-timer")
                            .factory());
            t.setRemoveOnCancelPolicy(true); // cancelled limits must not pile up in the queue
            return t;
        }
    }

    static ScheduledFuture<?> schedule(Runnable action, long nanos) {
        return Holder.TIMER.schedule(action, nanos, TimeUnit.NANOSECONDS);
    }
}
