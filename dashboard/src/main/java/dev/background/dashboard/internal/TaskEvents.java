package dev.background.dashboard.internal;

import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard learns about tasks and pools, from whichever thread saw it happen. Times are
 * nanoseconds on the board's clock (the dashboard's: since the epoch). Implementations must be cheap (they run on the pools' own
 * threads, once per task and transition) and must not throw.
 */
public interface TaskEvents {
    /**
     * A task was submitted.
     *
     * @param pool the pool's name
     * @param function the function's name
     */
    void submitted(String pool, String function);

    /**
     * A task started.
     *
     * @param pool the pool's name
     * @param function the function's name
     * @param worker where it runs: a thread's name, a worker process, a cluster member
     * @param startedNanos when it started
     */
    void started(String pool, String function, String worker, long startedNanos);

    /**
     * A run of a task ended: its call returned or threw, its remote worker answered, or the task
     * was settled during it. Once for each {@link #started}, before the next run of the task
     * starts and (but for a cancel racing a start) before the task's {@link #ended}.
     *
     * @param pool the pool's name
     * @param function the function's name
     * @param worker where it ran, as given to {@link #started}
     */
    void runEnded(String pool, String function, String worker);

    /**
     * A task ended, once, however many runs it had.
     *
     * @param pool the pool's name
     * @param function the function's name
     * @param worker where it ran, or null if it never started (cancelled while queued)
     * @param state {@code SUCCESS}, {@code FAILED} or {@code CANCELLED}
     * @param submittedNanos when it was submitted
     * @param startedNanos when it started; ignored when {@code worker} is null
     * @param endedNanos when it ended
     * @param failure its exception, when {@code state} is {@code FAILED}
     */
    void ended(
            String pool,
            String function,
            @Nullable String worker,
            Future.State state,
            long submittedNanos,
            long startedNanos,
            long endedNanos,
            @Nullable Throwable failure);

    /**
     * Something happened to a pool: its n changed, a worker started or died, a member joined or left.
     *
     * @param pool the pool's name
     * @param worker the worker or member concerned, or null for the pool as a whole
     * @param up for a worker: whether it is now up (started, joined) or not (died, left)
     * @param text what happened, for people
     */
    void poolEvent(String pool, @Nullable String worker, boolean up, String text);
}
