package dev.background.internal.observe;

import dev.background.Task;
import dev.background.TaskTimings;
import dev.background.internal.TaskFuture;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A task's timings as epoch nanoseconds, for listeners that run on every task's start and end:
 * the same instants as {@link Task#timings()} (equal to its {@link Instant}s to the nanosecond),
 * read from the task's fields without building a {@link TaskTimings}, its {@code Instant}s and
 * {@code Duration}s. A task of a pool is read directly; any other {@link Task} through its
 * {@code timings()}.
 *
 * <p>Each method reads one field, so two calls may see different moments of a task that is
 * starting or ending meanwhile; from a {@code PoolListener}'s {@code taskStarted} the start is
 * set, and from its {@code taskEnded} all of them are final. Never blocks; any thread.
 */
public final class TaskNanos {
    private TaskNanos() {}

    /**
     * When {@code task} was submitted.
     *
     * @param task a task
     * @return nanoseconds since the epoch
     * @throws NullPointerException if {@code task} is null
     */
    public static long submitted(Task<?> task) {
        return task instanceof TaskFuture<?> f
                ? f.submittedEpochNanos()
                : epochNanos(task.timings().submitted());
    }

    /**
     * When {@code task}'s call started.
     *
     * @param task a task
     * @return nanoseconds since the epoch, or 0 if it has not started (or never will)
     * @throws NullPointerException if {@code task} is null
     */
    public static long started(Task<?> task) {
        if (task instanceof TaskFuture<?> f) {
            return f.startedEpochNanos();
        }
        Instant started = task.timings().started();
        return started == null ? 0 : epochNanos(started);
    }

    /**
     * When {@code task} ended.
     *
     * @param task a task
     * @return nanoseconds since the epoch, or 0 if it has not ended
     * @throws NullPointerException if {@code task} is null
     */
    public static long ended(Task<?> task) {
        if (task instanceof TaskFuture<?> f) {
            return f.endedEpochNanos();
        }
        Instant ended = task.timings().ended();
        return ended == null ? 0 : epochNanos(ended);
    }

    /**
     * Where {@code task}'s call runs or ran, as {@link TaskTimings#where()}.
     *
     * @param task a task
     * @return the thread, worker or member, or null if it has not started
     * @throws NullPointerException if {@code task} is null
     */
    public static @Nullable String where(Task<?> task) {
        return task instanceof TaskFuture<?> f
                ? f.startedWhere()
                : task.timings().where();
    }

    /**
     * {@code instant} as nanoseconds since the epoch.
     *
     * @param instant an instant (within about 292 years of the epoch)
     * @return its nanoseconds since the epoch
     */
    public static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
