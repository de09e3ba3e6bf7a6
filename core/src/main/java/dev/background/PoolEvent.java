package dev.background;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a pool rather than to one task, as {@link PoolListener#poolEvent}
 * receives it: its {@code n} changed, a worker process started or died, a cluster member joined
 * or left, it shut down.
 *
 * @param pool the pool
 * @param type what happened
 * @param time when it happened
 * @param n the pool's {@code n} right after it happened
 * @param worker the worker process ({@code "worker 2 (pid 4711)"}) or the member's address
 *     ({@code "10.0.0.5:5701"}) for worker and member events; else null
 * @param detail more words for people (why a worker died, say); empty if none
 */
public record PoolEvent(
        BackgroundPool pool,
        PoolEvent.Type type,
        Instant time,
        int n,
        @Nullable String worker,
        String detail) {

    /** What happened. */
    public enum Type {
        /**
         * A pool is there to be watched: sent to a listener registered for every pool, for each
         * pool that existed when it registered and for each pool built afterwards.
         */
        OPENED,
        /** The pool's {@code n} was changed ({@link BackgroundPool#n(int)}); {@code n} is the new value. */
        N_CHANGED,
        /** A worker process started and is ready for calls. */
        WORKER_STARTED,
        /** A worker process ended unexpectedly: it crashed, was killed, or its call exited the JVM. */
        WORKER_DIED,
        /** The pool stopped a worker process: retired when idle, recycled, replaced, or shut down. */
        WORKER_STOPPED,
        /** A cluster member joined the cluster. */
        MEMBER_JOINED,
        /** A cluster member left the cluster, or was lost. */
        MEMBER_LEFT,
        /** The pool was shut down ({@code shutdown}, {@code shutdownNow} or {@code close}). */
        SHUT_DOWN
    }

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if {@code pool}, {@code type}, {@code time} or {@code detail} is null
     */
    public PoolEvent {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(detail, "detail");
    }
}
