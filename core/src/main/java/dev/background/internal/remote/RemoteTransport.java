package dev.background.internal.remote;

import java.util.List;

/**
 * What every remote kind supplies to a {@link RemoteDispatcher}: how to feed a worker and how to
 * name it. A kind whose workers the dispatcher starts (worker processes) supplies more
 * ({@link StartedWorkers}); so does one whose workers come and go on their own (cluster members,
 * {@link ReportedWorkers}). The transport tells the dispatcher what its workers report by calling
 * its {@code on*} methods, from any thread (a worker's reader thread, typically), never while it
 * holds a lock the dispatcher might wait for.
 *
 * @param <W> the transport's handle of one worker
 * @param <P> the transport's payload of one call (its serialised form)
 */
public interface RemoteTransport<W, P> {

    /**
     * Writes sends to a worker, in order, then flushes. Never called under the dispatcher's lock.
     * A failed write means the worker is gone: the transport reports it as usual (a started
     * worker's exit; a reported worker's loss, {@link RemoteDispatcher#onLost}, or the call's
     * failure through {@link RemoteDispatcher#release}); it may do so from this thread.
     *
     * @param worker the worker
     * @param sends what to write
     */
    void send(W worker, List<RemoteDispatcher.Send<P>> sends);

    /**
     * Names a worker for people: where a call runs ({@link dev.background.spi.Job#start(Runnable,
     * String)}) and which worker a pool event is about, say {@code "pool-worker-2 (pid 4711)"}.
     * Called under the dispatcher's lock: must be quick and take no lock.
     *
     * @param worker the worker
     * @return its name for people
     */
    String where(W worker);

    /**
     * The dispatcher has terminated: shut down, nothing queued, every worker gone (reported
     * workers: nothing in flight). Called once, never under the dispatcher's lock, from whichever
     * thread saw it happen; the transport releases what it holds (say, its client).
     */
    default void terminated() {}
}
