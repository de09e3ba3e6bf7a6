package dev.background;

/**
 * Watches pools: each task's submit, the start and end of each run of its call, the task's end,
 * and the pool's own events. For metrics, tracing, progress and dashboards; registered on one
 * pool with {@link BackgroundPool#addListener} or on every pool, existing and future, with
 * {@link BackgroundPool#addListenerToAllPools}. Every method has an empty default, so a listener
 * implements only what it needs.
 *
 * <p><b>Runs and tasks.</b> A task's call may run more than once: a periodic task runs at each
 * period, a retried call once per attempt. {@link #taskStarted} and {@link #runEnded} are told of
 * every run, {@link #taskSubmitted} and {@link #taskEnded} once per task. So "running now" is the
 * runs started less the runs ended, and "not yet ended" the tasks submitted less the tasks ended.
 * A run ends when its call returns or throws (in-JVM kinds), when the worker process or cluster
 * member answers it, or, if another thread settles the task first (a cancel, a time limit,
 * {@code complete}, {@code shutdownNow}), at that settlement: the call may then go on until it
 * sees its interrupt, but the run is reported ended, so a count of running tasks is never above
 * what really runs. A remote call sent again after its worker died is still the same run.
 *
 * <p><b>Threads.</b> Each method runs synchronously in the thread where the thing happens:
 * {@link #taskSubmitted} in the submitting thread, before the task is handed to a worker;
 * {@link #taskStarted} in the worker thread before the call (in-JVM kinds), or in the thread
 * that sends the call to a worker process or cluster member; {@link #runEnded} in the worker
 * thread after the call, in the thread that reads a remote call's answer, or in the thread that
 * settles the task while the run is under way; {@link #taskEnded} in the thread that ends the
 * task (the worker, a canceller, a time limit's timer, a remote kind's I/O thread), after its
 * outcome is set and before the pool's callbacks run; {@link #poolEvent} in the thread that
 * changed the pool or, for worker and member events, an engine thread. So methods of one
 * listener may run concurrently: a listener must be thread-safe.
 *
 * <p><b>Order.</b> For one task, {@code taskSubmitted} happens-before {@code taskStarted}, and
 * {@code taskEnded} is called exactly once, for every task that {@code taskSubmitted} saw. A
 * submit refused because the pool was already shut down is seen by neither; one that
 * {@code shutdownNow} overtakes while the submit hands its task on is seen by both, the task
 * ended with the {@code RejectedExecutionException} that the submit then throws. A task that
 * never started is not reported started at all. Each run's {@code taskStarted} happens-before its
 * {@code runEnded}, which a listener gets exactly once for every {@code taskStarted} it got, and
 * only then (a listener added during a run does not get that run's end; one removed during a run
 * still does). Runs of one task do not overlap: a run's end happens-before the next run's start,
 * and the last run's end happens-before {@code taskEnded}. One exception: a task settled by
 * another thread just as a run starts (a cancel racing the start) may be reported ended before
 * that run's start is reported; the run's start and end then follow, in that order. Tasks
 * submitted, started or ended before the registration, or while it is being made, may or may not
 * be seen.
 *
 * <p><b>Cost.</b> The listener runs on the pool's hot path, at up to millions of calls per
 * second: it must be cheap and must not block (count, sample, or hand off to a queue). A
 * listener that throws is logged through {@link System.Logger} (logger {@code dev.background})
 * and affects neither the task, nor the pool, nor other listeners, nor the order above. With no
 * listener registered, a task pays one read of a field per transition.
 */
public interface PoolListener {

    /**
     * A task was submitted to {@code pool} and is about to be queued.
     *
     * @param pool the pool
     * @param task the task, not yet started; its {@link Task#timings()} has {@code submitted}
     */
    default void taskSubmitted(BackgroundPool pool, Task<?> task) {}

    /**
     * A run of a task's call is starting (in-JVM kinds) or being sent to the worker that runs it:
     * called once per run, so once per period of a periodic task and once per attempt of a
     * retried one. Its end is reported by {@link #runEnded}.
     *
     * @param pool the pool
     * @param task the task; its {@link Task#timings()} has this run's {@code started} and
     *     {@code where}, and {@link Task#attempt()} its attempt
     */
    default void taskStarted(BackgroundPool pool, Task<?> task) {}

    /**
     * A run that {@link #taskStarted} reported has ended: its call returned or threw, its
     * remote worker answered, or the task was settled meanwhile (see the class comment). Called
     * exactly once for each {@code taskStarted} this listener got, before the next run starts
     * and (but for a cancel racing the start) before {@link #taskEnded}.
     *
     * @param pool the pool
     * @param task the task; its {@link Task#timings()} still has this run's {@code started} and
     *     {@code where}, and {@link Task#attempt()} its attempt
     */
    default void runEnded(BackgroundPool pool, Task<?> task) {}

    /**
     * A task ended: succeeded, failed or was cancelled ({@link Task#state()} says which). Once
     * per task, however many runs it had.
     *
     * @param pool the pool
     * @param task the ended task; its {@link Task#timings()} are final
     */
    default void taskEnded(BackgroundPool pool, Task<?> task) {}

    /**
     * Something happened to a pool itself.
     *
     * @param event what happened
     */
    default void poolEvent(PoolEvent event) {}
}
