package dev.background.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * What happens between runs of one task's call: the delay before its first run, the backoff
 * before each retry, the period of a periodic task. Only tasks that need one have one, so a plain
 * task pays a null check.
 *
 * <p>Maintainers' overview. At most one run of a task is in progress at a time: a run starts
 * only from the NEW run state ({@link TaskFuture}), and the task goes back to NEW only when the
 * run before has ended. So the fields written at the end of a run ({@code failures},
 * {@code attempt}) have one writer at a time, and the hand-off through the timer and the engine's
 * queue publishes them to the next run. {@code attempt}, {@code nextRunNanos},
 * {@code timedOutAttempt} and {@code timer} are volatile because other threads read them: a
 * time-limit timer, {@code getDelay}, a cancel, observers of {@link TaskFuture#attempt()}.
 */
final class Rerun {
    /** The retry rules, or null if a failure is never retried. */
    final @Nullable RetryRules rules;
    /** 0 for a one-shot call; above 0 a fixed rate, below 0 a fixed delay (as the JDK's own). */
    final long periodNanos;
    /** When the task was submitted ({@link System#nanoTime()}), for a policy's overall deadline. */
    final long startNanos;

    volatile int attempt = 1;
    /** When the task is next handed to the workers (planned), for {@code getDelay} and fixed rates. */
    volatile long nextRunNanos;
    /** The attempt whose time limit passed, or 0. */
    volatile int timedOutAttempt;
    /** The timer's hand-off of the next run, while one waits. */
    volatile @Nullable ScheduledFuture<?> timer;
    /** The failures of the attempts before this one; written by the thread that ends an attempt. */
    private @Nullable List<Throwable> failures;

    Rerun(@Nullable RetryRules rules, long periodNanos, long startNanos, long firstRunNanos) {
        this.rules = rules != null && rules.retries() ? rules : null;
        this.periodNanos = periodNanos;
        this.startNanos = startNanos;
        this.nextRunNanos = firstRunNanos;
    }

    /** Keeps a failed attempt's exception for the final one. */
    void failed(Throwable failure) {
        if (failures == null) {
            failures = new ArrayList<>(2);
        }
        failures.add(failure);
    }

    /** The last attempt's failure, carrying the earlier ones as suppressed (each once). */
    @SuppressWarnings("ReferenceEquality") // by design: a call may throw the same exception object every time
    Throwable lastOf(Throwable last) {
        if (failures != null) {
            for (Throwable earlier : failures) {
                if (earlier != last && !List.of(last.getSuppressed()).contains(earlier)) {
                    last.addSuppressed(earlier);
                }
            }
        }
        return last;
    }

    void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
