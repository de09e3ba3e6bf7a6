package dev.background;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When and where one task ran: a snapshot returned by {@link Task#timings()}, on every executor
 * kind. Timings are always on: a task reads the clock once when it is submitted, once when its
 * call starts and once when it ends.
 *
 * <p>The parts add up: {@code queueWait + runTime} is the time from {@code submitted} to
 * {@code ended} (or to the moment of the snapshot, for a task that has not ended), within a
 * microsecond. A task that ended without starting (cancelled while queued, refused, or the
 * worker it was sent to died before it began) has spent all its time queued: {@code started} is
 * null and {@code runTime} zero.
 *
 * <p>On worker processes and cluster members, {@code started} is when the call was handed to
 * the worker that ran it, and {@code ended} when its outcome arrived back here: both are read on
 * this JVM's clock, so the parts stay consistent whatever the other machines' clocks say.
 *
 * @param submitted when the task was submitted
 * @param started when its call started, or null if it has not (yet)
 * @param ended when the task ended (succeeded, failed or was cancelled), or null if it has not
 * @param queueWait from submitted to started (or, if it never started, to ended or to now)
 * @param runTime from started to ended (or to now, while it runs); zero if it never started
 * @param attempt which attempt at the call this is, from 1
 * @param where where the call runs or ran: the name of the thread, a worker process
 *     ({@code "worker 2 (pid 4711)"}) or a cluster member's address; null if it never started
 */
public record TaskTimings(
        Instant submitted,
        @Nullable Instant started,
        @Nullable Instant ended,
        Duration queueWait,
        Duration runTime,
        int attempt,
        @Nullable String where) {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if {@code submitted}, {@code queueWait} or {@code runTime} is null
     * @throws IllegalArgumentException if a duration is negative or {@code attempt} is less than 1
     */
    public TaskTimings {
        Objects.requireNonNull(submitted, "submitted");
        Objects.requireNonNull(queueWait, "queueWait");
        Objects.requireNonNull(runTime, "runTime");
        if (queueWait.isNegative() || runTime.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: " + queueWait + ", " + runTime);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
    }

    /**
     * The time from submission to the end: {@code queueWait + runTime}.
     *
     * @return the total so far
     */
    public Duration total() {
        return queueWait.plus(runTime);
    }
}
