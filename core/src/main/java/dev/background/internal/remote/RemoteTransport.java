package dev.background.internal.remote;

import dev.background.spi.Job;
import java.io.IOException;
import java.util.List;

/**
 * What a remote kind supplies to a {@link RemoteDispatcher}: how to start, feed, close and kill
 * one worker, and how to word the failures that only it can explain. With reported workers
 * (cluster members) {@link #start} and {@link #killStuck} are never called, and {@link #close}
 * only means that the dispatcher sends the worker nothing more. The transport tells the
 * dispatcher what its workers report by calling its {@code on*} methods, from any thread (a
 * worker's reader thread, typically), never while it holds a lock the dispatcher might wait for.
 *
 * @param <W> the transport's handle of one worker
 * @param <P> the transport's payload of one call (its serialised form)
 */
public interface RemoteTransport<W, P> {

    /**
     * Starts a worker. Called under the dispatcher's lock: must not block for long and must not
     * call back into the dispatcher from this thread (a reader thread it starts may, at once).
     *
     * @param id the worker's id, unique in the pool, for names and messages
     * @return the worker's handle
     * @throws IOException if the worker could not be started at all (the tasks waiting for it fail)
     */
    W start(String id) throws IOException;

    /**
     * Writes sends to a worker, in order, then flushes. Never called under the dispatcher's lock.
     * A failed write means the worker is gone: the transport reports its exit as usual (a
     * reported worker's: {@link RemoteDispatcher#onLost}, or the call's failure through
     * {@link RemoteDispatcher#release}); it may do so from this thread.
     *
     * @param worker the worker
     * @param sends what to write
     */
    void send(W worker, List<RemoteDispatcher.Send<P>> sends);

    /**
     * Closes a worker's input: it exits once it has answered what it holds (it holds nothing
     * when the dispatcher closes it). Its exit is then expected.
     *
     * @param worker the worker
     */
    void close(W worker);

    /**
     * Kills a worker whose task did not stop within the cancel grace period after it was
     * interrupted: the transport adds a note to the job's failure and kills the worker, whose
     * exit it then reports as usual.
     *
     * @param worker the worker
     * @param job the task that did not stop
     */
    void killStuck(W worker, Job job);

    /**
     * Names a worker for people: where a call runs ({@link Job#start(Runnable, String)}) and
     * which worker a pool event is about, say {@code "pool-worker-2 (pid 4711)"}. Called under
     * the dispatcher's lock: must be quick and take no lock.
     *
     * @param worker the worker
     * @return its name for people
     */
    String where(W worker);

    /**
     * Why a worker exited, for people (the detail of a pool event): its exit code and what the
     * transport knows besides, say why it killed the worker. Never called under the dispatcher's
     * lock.
     *
     * @param worker the worker
     * @param exitCode its exit code, or -1 if unknown
     * @return the detail
     */
    String exitDetail(W worker, int exitCode);

    /**
     * The failure of a task whose worker died (or never came up).
     *
     * @param worker the worker
     * @param job the task
     * @param exitCode the worker's exit code, or -1 if unknown
     * @param attempts how many times the task was tried
     * @return the exception to fail the job with
     */
    RuntimeException died(W worker, Job job, int exitCode, int attempts);

    /**
     * The failure of a task that no worker could be started for.
     *
     * @param job the task
     * @param cause why starting a worker failed
     * @return the exception to fail the job with
     */
    RuntimeException cannotStart(Job job, Exception cause);

    /**
     * The failure of a task that waited longer than the member wait while no reported worker was
     * usable (only with {@link RemoteDispatcher.Policy#memberWaitNanos()} set). Never called under
     * the dispatcher's lock.
     *
     * @param job the task
     * @return the exception to fail the job with
     */
    default RuntimeException unavailable(Job job) {
        return new IllegalStateException("no worker was reachable for task '" + job.name() + "'");
    }

    /**
     * The dispatcher has terminated: shut down, nothing queued, every worker gone (reported
     * workers: nothing in flight). Called once, never under the dispatcher's lock, from whichever
     * thread saw it happen; the transport releases what it holds (say, its client).
     */
    default void terminated() {}
}
