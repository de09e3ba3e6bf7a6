package dev.background.spi;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where the jobs of one {@link dev.background.BackgroundPool} run: platform threads, virtual
 * threads, worker processes, cluster members. The single small interface behind which every
 * executor kind sits; the pool above it does everything else (wrapping, results, callbacks,
 * per-function limits and timeouts, the exit wait, the {@code ExecutorService} contract).
 *
 * <p>An engine runs at most {@code n} jobs at once, as set at creation and by
 * {@link #resize(int)}; it queues the rest in submission order. Its methods may be called from
 * any thread at once.
 *
 * <p>Every job given to {@link #execute} is either refused by it (it throws) or accepted, and for
 * every job it accepts, an engine must eventually do exactly one of: call {@link Job#run()} in a
 * thread of its own (in-JVM kinds); or call {@link Job#start(Runnable)} and then
 * {@link Job#succeed(Object)} or {@link Job#fail(Throwable)} (remote kinds); or return it from
 * {@link #shutdownNow()}. This holds under races too: a job whose {@code execute} races
 * {@code shutdownNow} is refused, returned or run, never two of these, never none. A job whose
 * {@code start} returns false was cancelled: skip it.
 */
public interface Engine {

    /**
     * Accepts a job to run when a slot is free. Never blocks on the job itself.
     *
     * <p>An engine that cannot take this particular job (say, its call cannot be serialised for
     * another process) may throw any other {@link RuntimeException} explaining why and what to
     * do: the pool then fails the job's task at once with that exception, and the submit returns
     * normally.
     *
     * @param job the job
     * @throws RejectedExecutionException if the engine has been shut down (the submit throws it too)
     */
    void execute(Job job);

    /**
     * Changes how many jobs may run at once. A raise lets more run at once right away. A
     * lowering is exact from the moment this method returns: no job begins while {@code n} or
     * more run. Jobs already running then are not
     * interrupted and may keep more than {@code n} running until enough of them have ended.
     * (Beware of an idle {@code ThreadPoolExecutor}: lowered, a worker it wakes may still take a
     * queued task before it retires.)
     *
     * @param n the new limit, at least 1 (checked by the caller)
     */
    void resize(int n);

    /** Starts an orderly shutdown: accepted jobs still run, new ones are rejected. Idempotent. */
    void shutdown();

    /**
     * Stops at once: removes and returns the jobs not yet started, and interrupts running ones.
     * From now on {@link #execute} refuses every job.
     *
     * @return the jobs that never started, in queue order
     */
    List<Job> shutdownNow();

    /**
     * Blocks until every accepted job has ended after a shutdown, or the timeout passes.
     *
     * @param timeout how long to wait
     * @param unit the unit of {@code timeout}
     * @return true if terminated, false if the time ran out
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Tells whether the engine has shut down and every job has ended.
     *
     * @return true once terminated
     */
    boolean isTerminated();
}
