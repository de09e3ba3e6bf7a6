package dev.background.internal.remote;

import dev.background.spi.Job;
import java.io.IOException;

/**
 * The transport of workers that the dispatcher starts itself ({@link RemoteDispatcher#started}):
 * besides feeding them, it starts, closes and kills them, and words the failures of their deaths.
 *
 * @param <W> the transport's handle of one worker
 * @param <P> the transport's payload of one call (its serialised form)
 */
public interface StartedWorkers<W, P> extends RemoteTransport<W, P> {

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
     * Closes a worker's input: it exits once it has answered what it holds (it holds nothing
     * when the dispatcher closes it). Its exit is then expected. Never called under the
     * dispatcher's lock.
     *
     * @param worker the worker
     */
    void close(W worker);

    /**
     * Kills a worker whose task did not stop within the cancel grace period after it was
     * interrupted: the transport adds a note to the job's failure and kills the worker, whose
     * exit it then reports as usual. Called on the dispatcher's timer, never under its lock.
     *
     * @param worker the worker
     * @param job the task that did not stop
     */
    void killStuck(W worker, Job job);

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
}
