package dev.background.spi;

import dev.background.context.CarriedContext;
import dev.background.function.CheckedCallable;
import org.jspecify.annotations.Nullable;

/**
 * One call to run, as an {@link Engine} sees it. Implemented by the library; engines only use
 * it. Every method may be called from any thread; settling methods are idempotent (the first
 * settlement wins, later ones are ignored), so an engine never needs to guard against a
 * cancellation or a time-out that raced with its own result.
 */
public interface Job extends Runnable {

    /**
     * The call, with its arguments bound. It is {@link java.io.Serializable}; kinds that send it
     * elsewhere serialise it. For a call of a wrapped function it is a {@link BoundCall}, whose
     * function is the same object for every call of that wrapped function.
     *
     * @return the call
     */
    CheckedCallable<?> callable();

    /**
     * The name of the function, for thread names, logs and errors.
     *
     * @return the name
     */
    String name();

    /**
     * For in-JVM engines: runs the call in the current thread and settles the job, catching
     * everything; never throws. Does nothing if the job was cancelled before it started.
     */
    @Override
    void run();

    /**
     * For remote engines: marks the job as started. From now on a cancellation with interrupt,
     * or the function's time limit, calls {@code interrupter} (once, from the cancelling thread or
     * a timer thread), which should ask the remote side to interrupt the call.
     *
     * @param interrupter how to interrupt the running call
     * @return false if the job was already settled (cancelled): do not run it
     */
    boolean start(Runnable interrupter);

    /**
     * Like {@link #start(Runnable)}, and also tells where the call runs, for
     * {@link dev.background.Task#timings()} and the pool's listeners: a worker process
     * ({@code "worker 2 (pid 4711)"}) or a cluster member's address. Remote engines should
     * prefer this one.
     *
     * @param interrupter how to interrupt the running call
     * @param where where the call runs, for people
     * @return false if the job was already settled (cancelled): do not run it
     */
    default boolean start(Runnable interrupter, String where) {
        return start(interrupter);
    }

    /**
     * Settles the job with the call's result. Ignored if already settled.
     *
     * @param value the result
     */
    void succeed(@Nullable Object value);

    /**
     * Settles the job with the call's failure, which should be the original exception. Remote
     * kinds pass the original rebuilt in this JVM, or a
     * {@link dev.background.RemoteTaskException#standInFor stand-in} if it cannot be, or a
     * {@link dev.background.TaskTransferException} if the call or its result could not travel,
     * each with {@link SubmitSite#appendTo SubmitSite.appendTo} applied. Ignored if already
     * settled.
     *
     * @param error the failure
     */
    void fail(Throwable error);

    /**
     * Tells whether the job is settled (done, failed or cancelled).
     *
     * @return true if settled
     */
    boolean isDone();

    /**
     * Where the call was submitted, for error messages of remote kinds (a stack trace captured
     * cheaply at submit time, or null when not captured).
     *
     * @return the submit site or null
     */
    default StackTraceElement @Nullable [] submitSite() {
        return null;
    }

    /**
     * The call's time limit, which runs from {@link #start}, or zero for none. Remote engines
     * that queue calls on the far side before they begin should not send a limited call ahead
     * of a free thread there, or its time would run out while it waits.
     *
     * @return the limit in nanoseconds, or 0
     */
    default long timeLimitNanos() {
        return 0;
    }

    /**
     * For remote engines: the submitter's context, in the form that travels (see
     * {@link dev.background.context.ContextPropagator}), or null when the pool propagates no
     * context. Send its {@link CarriedContext#entries() entries} with the call, and run the call
     * inside {@link CarriedContext#restore} on the far side. Encodes on each call, in the calling
     * thread: call it once per send. In-JVM engines need nothing: {@link #run()} restores the
     * context itself.
     *
     * @return the context to send, or null for none
     * @throws RuntimeException what a propagator's {@code encode} throws: fail the job with it
     */
    default @Nullable CarriedContext carriedContext() {
        return null;
    }
}
