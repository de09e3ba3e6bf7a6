package dev.background.dashboard.internal;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.TaskTimings;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The pools' listener: turns each task's submit, start and end, and each pool event, into the
 * board's {@link TaskEvents}. Runs on the pools' threads (see {@link PoolListener}); stateless
 * apart from its two targets, so thread-safe.
 */
public final class Watcher implements PoolListener {
    private final TaskEvents events;
    private final Consumer<BackgroundPool> opened;

    /**
     * @param events where the events go
     * @param opened told of every pool that an all-pools registration announces
     */
    public Watcher(TaskEvents events, Consumer<BackgroundPool> opened) {
        this.events = events;
        this.opened = opened;
    }

    /**
     * The dashboard's clock: nanoseconds since the epoch, the base of {@link #nanos(Instant)}.
     *
     * @return now
     */
    public static long now() {
        return nanos(Instant.now());
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void taskSubmitted(BackgroundPool pool, Task<?> task) {
        events.submitted(pool.name(), task.name());
    }

    @Override
    public void taskStarted(BackgroundPool pool, Task<?> task) {
        TaskTimings t = task.timings();
        Instant started = t.started();
        events.started(pool.name(), task.name(), where(t), started == null ? now() : nanos(started));
    }

    @Override
    public void taskEnded(BackgroundPool pool, Task<?> task) {
        TaskTimings t = task.timings();
        Future.State state = task.state();
        Instant started = t.started();
        Instant ended = t.ended();
        long endedNanos = ended == null ? now() : nanos(ended);
        @Nullable Throwable failure = state == Future.State.FAILED ? task.exception() : null;
        events.ended(
                pool.name(),
                task.name(),
                started == null ? null : where(t),
                state,
                nanos(t.submitted()),
                started == null ? endedNanos : nanos(started),
                endedNanos,
                failure);
    }

    @Override
    public void poolEvent(PoolEvent event) {
        BackgroundPool pool = event.pool();
        String detail = event.detail().isEmpty() ? "" : ": " + event.detail();
        String worker = event.worker();
        switch (event.type()) {
            case OPENED -> opened.accept(pool);
            case N_CHANGED -> events.poolEvent(pool.name(), null, true, "n = " + event.n() + detail);
            case WORKER_STARTED ->
                events.poolEvent(pool.name(), worker, true, "worker " + worker + " started" + detail);
            case WORKER_DIED -> events.poolEvent(pool.name(), worker, false, "worker " + worker + " died" + detail);
            case WORKER_STOPPED ->
                events.poolEvent(pool.name(), worker, false, "worker " + worker + " stopped" + detail);
            case MEMBER_JOINED -> events.poolEvent(pool.name(), worker, true, "member " + worker + " joined" + detail);
            case MEMBER_LEFT -> events.poolEvent(pool.name(), worker, false, "member " + worker + " left" + detail);
            case SHUT_DOWN -> events.poolEvent(pool.name(), null, true, "shut down" + detail);
        }
    }

    private static String where(TaskTimings t) {
        String where = t.where();
        return where == null || where.isEmpty() ? "(unnamed)" : where;
    }
}
