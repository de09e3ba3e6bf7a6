package dev.background.internal.remote;

import dev.background.spi.Job;

/**
 * The transport of workers that come and go on their own ({@link RemoteDispatcher#reported}):
 * the transport reports them as they join and leave; the dispatcher never starts, closes or
 * kills one, and a lost one's calls run again elsewhere, so no death needs wording. Only the
 * member wait's failure does.
 *
 * @param <W> the transport's handle of one worker
 * @param <P> the transport's payload of one call (its serialised form)
 */
public interface ReportedWorkers<W, P> extends RemoteTransport<W, P> {

    /**
     * The failure of a task that waited longer than the member wait while no reported worker was
     * usable (only with a member wait). Never called under the dispatcher's lock.
     *
     * @param job the task
     * @return the exception to fail the job with
     */
    RuntimeException unavailable(Job job);
}
