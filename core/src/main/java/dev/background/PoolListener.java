package dev.background;

/**
 * Watches pools: each task's submit, start and end, and the pool's own events. For metrics,
 * tracing, progress and dashboards; registered on one pool with
 * {@link BackgroundPool#addListener} or on every pool, existing and future, with
 * {@link BackgroundPool#addListenerToAllPools}. Every method has an empty default, so a listener
 * implements only what it needs.
 *
 * <p><b>Threads.</b> Each method runs synchronously in the thread where the thing happens:
 * {@link #taskSubmitted} in the submitting thread, before the task is handed to a worker;
 * {@link #taskStarted} in the worker thread before the call (in-JVM kinds), or in the thread
 * that sends the call to a worker process or cluster member; {@link #taskEnded} in the thread
 * that ends the task (the worker, a canceller, a time limit's timer, a remote kind's I/O
 * thread), after its outcome is set and before the pool's callbacks run; {@link #poolEvent} in
 * the thread that changed the pool or, for worker and member events, an engine thread. So
 * methods of one listener may run concurrently: a listener must be thread-safe.
 *
 * <p><b>Order.</b> For one task, {@code taskSubmitted} happens-before {@code taskStarted}, and
 * {@code taskEnded} is called exactly once, for every task that {@code taskSubmitted} saw. A
 * submit refused because the pool was already shut down is seen by neither; one that
 * {@code shutdownNow} overtakes while the submit hands its task on is seen by both, the task
 * ended with the {@code RejectedExecutionException} that the submit then throws. A task cancelled
 * while it starts may be reported ended before its start is reported; a task that never started
 * is not reported started at all. Tasks submitted, started or ended before the registration, or
 * while it is being made, may or may not be seen.
 *
 * <p><b>Cost.</b> The listener runs on the pool's hot path, at up to millions of calls per
 * second: it must be cheap and must not block (count, sample, or hand off to a queue). A
 * listener that throws is logged through {@link System.Logger} (logger {@code dev.background})
 * and affects neither the task, nor the pool, nor other listeners. With no listener registered,
 * a task pays one read of a field per transition.
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
     * A task's call is starting (in-JVM kinds) or being sent to the worker that runs it.
     *
     * @param pool the pool
     * @param task the task; its {@link Task#timings()} has {@code started} and {@code where}
     */
    default void taskStarted(BackgroundPool pool, Task<?> task) {}

    /**
     * A task ended: succeeded, failed or was cancelled ({@link Task#state()} says which).
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
