package dev.background.internal;

import dev.background.PoolEvent;
import dev.background.TaskTimings;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import org.jspecify.annotations.Nullable;

/**
 * The library's JDK Flight Recorder events, {@code dev.background.Task} and
 * {@code dev.background.PoolEvent}, committed only while a recording has enabled them: the check
 * is JFR's own {@code shouldCommit()}, which the JIT reduces to a flag test (and the event
 * allocation before it to nothing) when no recording asks for the event. The task event, one per
 * task at up to millions a second, is off unless a recording enables it by name
 * ({@code Recording.enable("dev.background.Task")}, or {@code dev.background.Task#enabled=true}
 * in a {@code .jfc} file or on {@code -XX:StartFlightRecording}); pool events, rare, are on.
 */
final class Jfr {
    private Jfr() {}

    /** One ended task. */
    @Name("dev.background.Task")
    @Label("Background Task")
    @Category("background")
    @Description("A task of a background pool ended: how long it queued and ran, where, and how it ended")
    @StackTrace(false)
    @Enabled(false)
    static final class TaskEvent extends Event {
        @Label("Pool")
        @Nullable
        String pool;

        @Label("Function")
        @Nullable
        String function;

        @Label("Kind")
        @Description("The pool's executor kind: threads, virtual-threads, process, cluster")
        @Nullable
        String kind;

        @Label("Queue Wait")
        @Timespan(Timespan.NANOSECONDS)
        long queueWait;

        @Label("Run Time")
        @Timespan(Timespan.NANOSECONDS)
        long runTime;

        @Label("Outcome")
        @Description("SUCCESS, FAILED or CANCELLED")
        @Nullable
        String outcome;

        @Label("Failure")
        @Description("The class of the exception of a failed task")
        @Nullable
        String failure;

        @Label("Attempt")
        int attempt;

        @Label("Where")
        @Description("The thread, worker process or cluster member that ran the call")
        @Nullable
        String where;
    }

    /** Something that happened to a pool. */
    @Name("dev.background.PoolEvent")
    @Label("Background Pool Event")
    @Category("background")
    @Description("A background pool opened, changed n, shut down, or saw a worker or member come or go")
    @StackTrace(false)
    static final class PoolEventEvent extends Event {
        @Label("Pool")
        @Nullable
        String pool;

        @Label("Type")
        @Nullable
        String type;

        @Label("N")
        int n;

        @Label("Worker")
        @Description("The worker process or cluster member, for worker and member events")
        @Nullable
        String worker;

        @Label("Detail")
        @Nullable
        String detail;
    }

    /** Records {@code task}'s end if a recording wants it; called once per task, by the thread that ended it. */
    static void taskEnded(PoolCore pool, TaskFuture<?> task) {
        TaskEvent e = new TaskEvent();
        if (e.shouldCommit()) {
            TaskTimings t = task.timings();
            e.pool = pool.name();
            e.function = task.name();
            e.kind = pool.kind().name();
            e.queueWait = t.queueWait().toNanos();
            e.runTime = t.runTime().toNanos();
            e.outcome = task.state().name();
            Throwable failure = task.isCompletedExceptionally() && !task.isCancelled() ? task.exceptionNow() : null;
            e.failure = failure == null ? null : failure.getClass().getName();
            e.attempt = t.attempt();
            e.where = t.where();
            e.commit();
        }
    }

    /** Records a pool event if a recording wants it. */
    static void poolEvent(PoolEvent event) {
        PoolEventEvent e = new PoolEventEvent();
        if (e.shouldCommit()) {
            e.pool = event.pool().name();
            e.type = event.type().name();
            e.n = event.n();
            e.worker = event.worker();
            e.detail = event.detail();
            e.commit();
        }
    }
}
