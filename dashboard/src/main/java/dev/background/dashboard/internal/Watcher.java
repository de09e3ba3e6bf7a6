package dev.background.dashboard.internal;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.internal.observe.TaskNanos;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The pools' listener: turns each task's submit, each run's start and end, each task's end, and each pool event, into the
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
        return TaskNanos.epochNanos(instant);
    }

    @Override
    public void taskSubmitted(BackgroundPool pool, Task<?> task) {
        events.submitted(pool.name(), task.name());
    }

    // The raw nanos rather than task.timings(), which builds a TaskTimings with its Instants and
    // Durations: these run for every task, on the pool's threads.
    @Override
    public void taskStarted(BackgroundPool pool, Task<?> task) {
        long started = TaskNanos.started(task);
        events.started(pool.name(), task.name(), where(task), started == 0 ? now() : started);
    }

    @Override
    public void runEnded(BackgroundPool pool, Task<?> task) {
        events.runEnded(pool.name(), task.name(), where(task));
    }

    @Override
    public void taskEnded(BackgroundPool pool, Task<?> task) {
        Future.State state = task.state();
        long started = TaskNanos.started(task);
        long ended = TaskNanos.ended(task);
        long endedNanos = ended == 0 ? now() : ended;
        @Nullable Throwable failure = state == Future.State.FAILED ? task.exception() : null;
        events.ended(
                pool.name(),
                task.name(),
                started == 0 ? null : where(task),
                state,
                TaskNanos.submitted(task),
                started == 0 ? endedNanos : started,
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

    private static String where(Task<?> task) {
        String where = TaskNanos.where(task);
        return where == null || where.isEmpty() ? "(unnamed)" : where;
    }
}
