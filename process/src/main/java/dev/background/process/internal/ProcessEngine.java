package dev.background.process.internal;

import dev.background.TaskTransferException;
import dev.background.context.CarriedContext;
import dev.background.process.WorkerDiedException;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import dev.background.spi.SubmitSite;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine of the worker-process kind: a queue of serialised tasks and up to {@code n} worker
 * JVMs, each running one task at a time with up to {@code prefetch} more sent ahead in batches
 * (a busy worker is topped up once it has run down to half of that).
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Lock.</b> One monitor ({@code this}) guards the queue, the worker list, every worker's
 * in-flight map and counters, and the lifecycle flags. Nothing slow or foreign runs under it:
 * frames are written, payloads decoded and jobs settled (which runs user callbacks) after it is
 * released. {@link Job#start} is called under it, which is safe because the interrupter it
 * registers never takes the lock (it hands the work to the timer thread): a canceller spinning in
 * {@code TaskFuture} cannot wait for us.
 * <li><b>Ordering.</b> A worker runs its tasks in the order sent and answers each before it begins
 * the next (flushing), so the oldest entry of its in-flight map is the one it is running, if that
 * one has started; when it dies, that task failed with it and the later ones never began: they go
 * back to the front of the queue.
 * <li><b>Started.</b> A task sent to an idle, ready worker (frame TASK) is started
 * ({@link Job#start}) when sent. One sent ahead to a busy or booting worker (TASK_AHEAD) is started
 * when the worker reports STARTED, so queueing in a worker never counts against a time limit. A
 * task sent ahead and settled before that (cancel) gets its bit set in the worker's
 * {@link CancelFlags} from the cancelling thread, before {@code cancel} returns, which the worker
 * checks before it begins a task sent ahead; an INTERRUPT then makes the worker drop it. A {@link Rec} is started once; after a
 * death it may be sent again without a second start, so its interrupter and time limit stay valid.
 * <li><b>Stealing.</b> With nothing queued and a worker free (or room for one), tasks sent ahead to
 * a worker busy with one task for over 2 ms are taken back (RECALL, answered RECALLED if not begun)
 * and dispatched again; checked at every dispatch and every 20 ms.
 * <li><b>Workers</b> count against {@code n} from spawn until closed; a closing worker (recycled,
 * resized away, shutting down) takes no new tasks and its input is closed once it has none, which
 * makes it exit. Its reader thread observes every exit; an exit that the engine did not ask for
 * is a death.
 * <li><b>Termination</b>: shut down, queue empty, and every worker process seen to exit.
 * </ul>
 */
public final class ProcessEngine implements Engine {

    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("background-process-timer").factory());

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    /** One job on its way through the engine. */
    static final class Rec {
        final Job job;
        final byte[] payload;
        final int length;
        final long id;
        final Runnable interrupter;
        // engine lock
        /** Job.start was called (when sent to an idle worker, or when its worker reported STARTED). */
        boolean started;

        long startedNanos;
        /** A RECALL is on its way to its worker. */
        boolean recalling;
        /** Listens for its settlement, to take it back from its worker if not begun. */
        boolean listening;

        int attempts;

        @Nullable
        WorkerProcess worker;

        Rec(Job job, Codec.Buffer payload, long id, ProcessEngine engine) {
            this.job = job;
            this.payload = payload.array();
            this.length = payload.length();
            this.id = id;
            this.interrupter = () -> TIMER.execute(() -> engine.interrupt(this));
        }
    }

    private final String poolName;
    private final EngineEvents events;
    private final WorkerConfig config;
    private final SerialFilter filter;
    private final ArrayDeque<Rec> queue = new ArrayDeque<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    /** Every worker whose exit has not been observed yet, open or closed. */
    private final Set<WorkerProcess> alive = new HashSet<>();

    private final CountDownLatch terminated = new CountDownLatch(1);
    private final @Nullable ScheduledFuture<?> idleCheck;
    private final @Nullable ScheduledFuture<?> stealCheck;
    private int n;
    private int workerSeq;
    private long taskSeq;
    private boolean shutdown;
    /** The last failure to start a worker process, for the tasks that needed it. */
    private @Nullable IOException spawnError;

    /**
     * Opens an engine; with eager workers, starts them.
     *
     * @param poolName the pool's name
     * @param n the number of workers
     * @param config the kind's settings
     * @param events where workers starting and ending are reported
     */
    public ProcessEngine(String poolName, int n, WorkerConfig config, EngineEvents events) {
        this.poolName = poolName;
        this.events = events;
        this.n = n;
        this.config = config;
        this.filter = new SerialFilter(config.serialFilter());
        synchronized (this) {
            fillEagerLocked();
        }
        if (config.idleTimeout() != null) {
            long period = Math.max(config.idleTimeout().toMillis() / 4, 20);
            idleCheck = TIMER.scheduleWithFixedDelay(this::retireIdle, period, period, TimeUnit.MILLISECONDS);
        } else {
            idleCheck = null;
        }
        stealCheck = config.prefetch() == 0
                ? null
                : TIMER.scheduleWithFixedDelay(this::stealForIdleWorkers, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** A frame to write to a worker: a task (rec set) or a control frame for task {@code id}. */
    record Out(byte type, long id, @Nullable Rec rec) {}

    // ------------------------------------------------------------------ submitting

    @Override
    public void execute(Job job) {
        if (isShutdown()) {
            throw rejected();
        }
        CarriedContext context;
        try {
            context = job.carriedContext();
        } catch (RuntimeException | Error e) { // a propagator could not encode: its message says which
            job.fail(e);
            return;
        }
        Codec.Buffer payload;
        try {
            payload = Codec.encodeTask(job.name(), context, job.callable());
        } catch (Exception | StackOverflowError e) {
            job.fail(notSerializable(job, e));
            return;
        }
        List<Rec> failed;
        Map<WorkerProcess, List<Out>> sends;
        synchronized (this) {
            if (shutdown) {
                throw rejected();
            }
            queue.addLast(new Rec(job, payload, ++taskSeq, this));
            failed = new ArrayList<>();
            sends = dispatchLocked(failed);
        }
        send(sends);
        settleDropped(failed);
    }

    private synchronized boolean isShutdown() {
        return shutdown;
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("background pool '" + poolName + "' is shut down and takes no new tasks");
    }

    private static TaskTransferException notSerializable(Job job, Throwable e) {
        String what = e instanceof NotSerializableException ns ? ns.getMessage() : null;
        String message = what != null
                ? "task '" + job.name() + "' cannot be sent to a worker process: it holds an object of class " + what
                        + ", which is not serializable (captured by the lambda or passed as an argument). Make " + what
                        + " implement java.io.Serializable, or capture only serialisable values: copy what the task needs"
                        + " into local variables of serialisable types before the lambda (a lambda that uses a field or"
                        + " method of its enclosing object captures that object)"
                : "task '" + job.name() + "' cannot be sent to a worker process: serialising it failed with " + e
                        + ". Capture and pass only serialisable values";
        return new TaskTransferException(message, e);
    }

    // ------------------------------------------------------------------ dispatching

    /**
     * Sends queued tasks to workers with room, spawning workers up to {@code n}. Returns the
     * frames to write once the lock is released; tasks that found no worker because one could not
     * be spawned go to {@code failed}.
     */
    private @Nullable Map<WorkerProcess, List<Out>> dispatchLocked(List<Rec> failed) {
        Map<WorkerProcess, List<Out>> sends = null;
        while (!queue.isEmpty()) {
            Rec r = queue.peekFirst();
            if (r.job.isDone()) { // settled while queued: told below that we are done with it
                queue.pollFirst();
                failed.add(r);
                continue;
            }
            WorkerProcess w;
            try {
                w = pickLocked(sends);
            } catch (IOException e) {
                queue.pollFirst();
                failed.add(r);
                r.worker = null;
                spawnError = e;
                continue;
            }
            if (w == null) {
                break;
            }
            queue.pollFirst();
            // Sent ahead (started only when the worker reports it) unless the worker is up and idle, so that
            // neither a JVM start nor a wait behind another task counts against the task's time limit.
            boolean ahead = !w.inflight.isEmpty() || w.readyNanos == 0;
            if (!ahead && !r.started) {
                if (!r.job.start(r.interrupter, w.toString())) {
                    continue;
                }
                r.started = true;
                r.startedNanos = System.nanoTime();
            }
            if (ahead && !r.started && !r.listening && r.job instanceof CompletionStage<?> stage) {
                r.listening = true; // a task cancelled while it waits in a worker must never begin
                stage.whenComplete((v, e) -> {
                    if (Thread.holdsLock(this)) {
                        TIMER.execute(() ->
                                takeBackIfNotBegun(r)); // settled during this dispatch: never write under the lock
                    } else {
                        takeBackIfNotBegun(r); // in the cancelling thread: the worker hears of it before cancel returns
                    }
                });
            }
            w.inflight.put(r.id, r);
            r.worker = w;
            r.recalling = false;
            w.sent++;
            if (config.maxTasksPerWorker() > 0 && w.sent >= config.maxTasksPerWorker()) {
                w.closing = true;
            }
            if (sends == null) {
                sends = new LinkedHashMap<>();
            }
            sends.computeIfAbsent(w, k -> new ArrayList<>())
                    .add(new Out(ahead ? Frames.TASK_AHEAD : Frames.TASK, r.id, r));
        }
        if (queue.isEmpty()) {
            sends = stealLocked(sends);
        }
        return sends;
    }

    /**
     * With a worker idle (or room for a new one) and nothing queued, takes back the tasks sent ahead
     * to workers that have been busy with one task for a while, so that they run on the idle worker
     * instead of waiting.
     */
    private @Nullable Map<WorkerProcess, List<Out>> stealLocked(@Nullable Map<WorkerProcess, List<Out>> sends) {
        boolean room = workers.size() < n; // a worker may be started for them
        for (WorkerProcess w : workers) {
            room |= !w.closing && w.inflight.isEmpty();
        }
        if (!room) {
            return sends;
        }
        long now = System.nanoTime();
        for (WorkerProcess w : workers) {
            if (w.inflight.size() < 2) {
                continue;
            }
            Rec head = w.inflight.values().iterator().next();
            if (!head.started || now - head.startedNanos < STEAL_AFTER_NANOS) {
                continue;
            }
            for (Rec r : w.inflight.values()) {
                if (r != head && !r.started && !r.recalling) {
                    r.recalling = true;
                    if (sends == null) {
                        sends = new LinkedHashMap<>();
                    }
                    sends.computeIfAbsent(w, k -> new ArrayList<>()).add(new Out(Frames.RECALL, r.id, null));
                }
            }
        }
        return sends;
    }

    /** A worker busy this long with one task has the tasks sent ahead to it taken back for idle workers. */
    private static final long STEAL_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private void stealForIdleWorkers() {
        Map<WorkerProcess, List<Out>> sends;
        synchronized (this) {
            sends = queue.isEmpty() ? stealLocked(null) : null;
        }
        send(sends);
    }

    /** On the timer thread, for a task sent ahead that was settled (cancelled): the worker drops it if not begun. */
    private void takeBackIfNotBegun(Rec r) {
        WorkerProcess w;
        synchronized (this) {
            w = r.worker;
            if (r.started || w == null || !w.inflight.containsKey(r.id)) {
                return;
            }
        }
        w.flags.set(r.id); // seen by the worker before it could begin the task, read the frame or not
        w.send(List.of(new Out(Frames.INTERRUPT, r.id, null)));
    }

    /**
     * An idle worker, else a new one if under n, else the least loaded one with prefetch room. A
     * busy worker is topped up only once it has run down to half its prefetch (or while it is being
     * topped up in this same dispatch), so that frames go out in batches: one write and one wake-up
     * of the worker for several tasks.
     */
    private @Nullable WorkerProcess pickLocked(@Nullable Map<WorkerProcess, List<Out>> filling) throws IOException {
        for (WorkerProcess w : workers) {
            if (!w.closing && w.inflight.isEmpty()) {
                return w;
            }
        }
        if (workers.size() < n) {
            return spawnLocked();
        }
        int prefetch = config.prefetch();
        WorkerProcess best = null;
        for (WorkerProcess w : workers) {
            int load = w.inflight.size();
            if (!w.closing
                    && load <= prefetch
                    && (load <= prefetch / 2 || (filling != null && filling.containsKey(w)))
                    && (best == null || load < best.inflight.size())) {
                best = w;
            }
        }
        return best;
    }

    private void fillEagerLocked() {
        while (config.eager() && !shutdown && workers.size() < n) {
            try {
                spawnLocked();
            } catch (IOException e) {
                spawnError = e;
                return; // tasks will report it when they need a worker
            }
        }
    }

    private WorkerProcess spawnLocked() throws IOException {
        workerSeq++;
        String id = poolName + "-worker-" + workerSeq;
        CancelFlags flags = CancelFlags.create();
        Process p;
        try {
            p = WorkerCommand.start(config, id, flags.file.toString());
        } catch (IOException | RuntimeException e) {
            flags.deleteFile();
            throw e;
        }
        WorkerProcess w = new WorkerProcess(id, p, flags);
        workers.add(w);
        alive.add(w);
        w.stderrPump = Thread.ofPlatform()
                .daemon()
                .name("background-" + id + "-stderr")
                .start(w::pumpStderr);
        Thread.ofPlatform().daemon().name("background-" + id + "-reader").start(() -> readLoop(w));
        return w;
    }

    private void send(@Nullable Map<WorkerProcess, List<Out>> sends) {
        if (sends != null) {
            sends.forEach(WorkerProcess::send);
        }
    }

    /**
     * Ends the jobs that dispatching dropped, outside the lock: those that could get no worker
     * process fail; those already settled (cancelled while queued) are told so too, because the
     * pool frees their per-function permit when the engine reports a job's end.
     */
    private void settleDropped(List<Rec> dropped) {
        for (Rec r : dropped) {
            r.job.fail(
                    r.job.isDone()
                            ? new CancellationException("task '" + r.job.name() + "' was cancelled")
                            : new IllegalStateException(
                                    "background pool '" + poolName + "' could not start a worker process"
                                            + " for task '" + r.job.name() + "': " + spawnError,
                                    spawnError));
        }
    }

    // ------------------------------------------------------------------ answers from workers

    private void readLoop(WorkerProcess w) {
        String malformed = null;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(w.process.getInputStream(), 1 << 16))) {
            Frames.Frame f;
            while ((f = Frames.read(
                            in,
                            Frames.READY,
                            Frames.RESULT,
                            Frames.ERROR,
                            Frames.CANCELLED,
                            Frames.OUT,
                            Frames.STARTED,
                            Frames.RECALLED))
                    != null) {
                switch (f.type()) {
                    case Frames.READY -> {
                        w.readyNanos = System.nanoTime();
                        events.workerStarted(w.toString());
                    }
                    case Frames.OUT -> w.echoOut(f.payload());
                    case Frames.STARTED -> onStarted(w, f.id());
                    case Frames.RECALLED -> onRecalled(w, f.id());
                    default -> onAnswer(w, f);
                }
            }
        } catch (Frames.MalformedFrameException e) {
            malformed = e.getMessage();
        } catch (IOException e) {
            // like the end of the stream: the process is gone
        }
        w.flushOut();
        if (malformed != null) {
            kill(w, "it sent a malformed frame (" + malformed + ") and was stopped");
        }
        onExit(w);
    }

    /** A task sent ahead has begun: it counts as started now (its time limit runs from here). */
    private void onStarted(WorkerProcess w, long id) throws Frames.MalformedFrameException {
        Rec r;
        synchronized (this) {
            r = w.inflight.get(id);
            if (r == null) {
                throw new Frames.MalformedFrameException("STARTED for task " + id + ", which was not sent to it");
            }
            if (r.started) {
                return; // sent again after a death: started before
            }
        }
        boolean live = r.job.start(r.interrupter, w.toString());
        synchronized (this) {
            r.started = true;
            r.startedNanos = System.nanoTime();
        }
        if (!live) { // cancelled just as it began: stop it like a running task
            interrupt(r);
        }
    }

    /** A task taken back from a worker before it began: it goes to the front of the queue. */
    private void onRecalled(WorkerProcess w, long id) throws Frames.MalformedFrameException {
        Map<WorkerProcess, List<Out>> sends;
        List<Rec> failed = new ArrayList<>();
        w.flags.clear(id);
        synchronized (this) {
            Rec r = w.inflight.remove(id);
            if (r == null) {
                throw new Frames.MalformedFrameException("RECALLED for task " + id + ", which was not sent to it");
            }
            r.worker = null;
            r.recalling = false;
            if (w.inflight.isEmpty()) {
                w.idleSinceNanos = System.nanoTime();
            }
            queue.addFirst(r);
            sends = dispatchLocked(failed);
        }
        send(sends);
        settleDropped(failed);
    }

    private void onAnswer(WorkerProcess w, Frames.Frame f) throws Frames.MalformedFrameException {
        Rec r;
        boolean close;
        Map<WorkerProcess, List<Out>> sends;
        List<Rec> failed = new ArrayList<>();
        w.flags.clear(f.id());
        synchronized (this) {
            r = w.inflight.remove(f.id());
            if (w.inflight.isEmpty()) {
                w.idleSinceNanos = System.nanoTime();
            }
            close = closeIfDoneLocked(w); // before dispatching, so that a recycled worker's slot is free
            if (close) {
                fillEagerLocked();
            }
            sends = dispatchLocked(failed);
        }
        send(sends);
        settleDropped(failed);
        if (close) {
            w.closeInput();
        }
        if (r == null) {
            throw new Frames.MalformedFrameException("answer for task " + f.id() + ", which was not sent to it");
        }
        if (f.type() == Frames.CANCELLED) {
            r.job.fail(new CancellationException("task '" + r.job.name() + "' was cancelled"));
            return;
        }
        boolean ok = f.type() == Frames.RESULT;
        Object decoded;
        try {
            decoded = Codec.decode(f.payload(), filter);
        } catch (Exception | LinkageError | StackOverflowError e) {
            r.job.fail(SubmitSite.appendTo(undecodable(r, w, ok ? "result" : "exception", e), r.job, null));
            return;
        }
        if (ok) {
            r.job.succeed(decoded);
        } else if (decoded instanceof Throwable t) {
            r.job.fail(SubmitSite.appendTo(t, r.job, "worker " + w.id));
        } else {
            throw new Frames.MalformedFrameException("error frame without an exception");
        }
    }

    /** A payload that could not be read; a rejected one ends the worker, as hostile. */
    private TaskTransferException undecodable(Rec r, WorkerProcess w, String what, Throwable e) {
        if (SerialFilter.isRejection(e)) {
            kill(w, "it sent a " + what + " that the deserialisation filter rejected, and was stopped");
            return new TaskTransferException(
                    "the " + what + " of task '" + r.job.name() + "' from worker "
                            + w + " was refused by the deserialisation filter (" + SerialFilter.describe(e)
                            + "); the worker was"
                            + " stopped. Allow the classes with ProcessKind.builder().serialFilter(..) if they are yours",
                    e);
        }
        return new TaskTransferException(
                "the " + what + " of task '" + r.job.name() + "' from worker " + w + " could not be deserialised: " + e,
                e);
    }

    /** Closes a worker that is closing (or idle after shutdown) and has nothing left to run. */
    private boolean closeIfDoneLocked(WorkerProcess w) {
        if (w.closed || !w.inflight.isEmpty() || !(w.closing || (shutdown && queue.isEmpty()))) {
            return false;
        }
        w.closed = true;
        workers.remove(w);
        return true;
    }

    private void onExit(WorkerProcess w) {
        int code = waitForExit(w);
        w.flags.deleteFile(); // if it died before it could
        try {
            w.stderrPump.join(2_000); // its last lines explain the death
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Rec victim;
        List<Rec> failed = new ArrayList<>();
        Map<WorkerProcess, List<Out>> sends;
        List<WorkerProcess> toClose = new ArrayList<>();
        boolean retried = false;
        boolean stoppedByUs;
        synchronized (this) {
            stoppedByUs = w.closed || w.closing;
            boolean wasOpen = workers.remove(w);
            alive.remove(w);
            List<Rec> lost = new ArrayList<>(w.inflight.values());
            w.inflight.clear();
            // The oldest unanswered task is the one it was running, if it had begun (reported STARTED or
            // sent as TASK); the others never began: back to the front of the queue, in order. A worker
            // that died before it was ready takes its oldest task with it all the same, or a JVM that
            // cannot start (a bad option) would be restarted for ever.
            boolean neverReady = w.readyNanos == 0;
            victim = lost.isEmpty() || !(lost.get(0).started || neverReady) ? null : lost.get(0);
            for (int i = lost.size() - 1; i >= (victim == null ? 0 : 1); i--) {
                Rec r = lost.get(i);
                r.worker = null;
                r.recalling = false;
                queue.addFirst(r);
            }
            if (victim != null && !victim.job.isDone() && victim.attempts < config.retries()) {
                victim.attempts++;
                queue.addFirst(victim);
                retried = true;
            }
            if (wasOpen) {
                fillEagerLocked();
            }
            sends = dispatchLocked(failed);
            if (shutdown && queue.isEmpty()) {
                for (WorkerProcess o : new ArrayList<>(workers)) {
                    if (closeIfDoneLocked(o)) {
                        toClose.add(o);
                    }
                }
            }
            checkTerminatedLocked();
        }
        String exit = "exit code " + code + (w.killReason != null ? ": " + w.killReason : "");
        if (stoppedByUs) {
            events.workerStopped(w.toString(), exit);
        } else {
            events.workerDied(w.toString(), exit);
        }
        send(sends);
        settleDropped(failed);
        toClose.forEach(WorkerProcess::closeInput);
        if (victim != null && !retried) { // even if settled (cancelled): reporting its end frees its permit
            victim.job.fail(died(w, code, victim));
        }
    }

    private static int waitForExit(WorkerProcess w) {
        try {
            if (!w.process.waitFor(10, TimeUnit.SECONDS)) { // closed its output but lives on
                w.process.destroyForcibly();
                w.process.waitFor(10, TimeUnit.SECONDS);
            }
            return w.process.isAlive() ? -1 : w.process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private WorkerDiedException died(WorkerProcess w, int code, Rec victim) {
        StringBuilder m = new StringBuilder("worker process ")
                .append(w)
                .append(" of pool '")
                .append(poolName)
                .append(w.readyNanos == 0 ? "' could not start, for task '" : "' died while running task '")
                .append(victim.job.name())
                .append("': ");
        if (code > 128 && code < 128 + 65) {
            m.append("killed by signal ")
                    .append(code - 128)
                    .append(signalName(code - 128))
                    .append(" (exit code ")
                    .append(code)
                    .append(')');
        } else {
            m.append("exit code ").append(code);
        }
        String reason = w.killReason;
        if (reason != null) {
            m.append("; ").append(reason);
        }
        List<String> tail = w.stderrTail();
        if (tail.stream().anyMatch(l -> l.contains("OutOfMemoryError"))) {
            m.append(
                    "; it ran out of memory: give workers more heap with ProcessKind.builder().jvmOptions(\"-Xmx..\")");
        }
        if (victim.attempts > 0) {
            m.append("; tried ").append(victim.attempts + 1).append(" times");
        }
        if (tail.isEmpty()) {
            m.append(". It wrote nothing to its standard error.");
        } else {
            m.append(". Last lines of its standard error:");
            tail.forEach(l -> m.append("\n    ").append(l));
        }
        WorkerDiedException e = new WorkerDiedException(m.toString(), w.id, w.pid, code, tail);
        return SubmitSite.appendTo(e, victim.job, null);
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 3 -> " (SIGQUIT)";
            case 4 -> " (SIGILL)";
            case 6 -> " (SIGABRT)";
            case 7 -> " (SIGBUS)";
            case 8 -> " (SIGFPE)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    // ------------------------------------------------------------------ interrupts, idle workers

    /** On the timer thread: asks the worker to interrupt the task, and kills it after the grace period. */
    @SuppressWarnings("FutureReturnValueIgnored") // killIfStillRunning decides for itself whether the kill is still due
    private void interrupt(Rec r) {
        WorkerProcess w;
        synchronized (this) {
            if (queue.remove(r)) {
                w = null;
            } else {
                w = r.worker;
                if (w == null || !w.inflight.containsKey(r.id)) {
                    return; // already answered
                }
            }
        }
        if (w == null) { // requeued after a death: never sent again; reporting its end frees its permit
            r.job.fail(new CancellationException("task '" + r.job.name() + "' was cancelled"));
            return;
        }
        w.send(List.of(new Out(Frames.INTERRUPT, r.id, null)));
        TIMER.schedule(() -> killIfStillRunning(w, r), config.cancelGrace().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void killIfStillRunning(WorkerProcess w, Rec r) {
        synchronized (this) {
            if (!w.inflight.containsKey(r.id)) {
                return;
            }
        }
        String reason = "it was killed because task '" + r.job.name() + "' did not stop within " + config.cancelGrace()
                + " of being interrupted";
        note(
                r.job,
                new WorkerDiedException(
                        "worker process " + w + " of pool '" + poolName + "' was killed and"
                                + " replaced: task '" + r.job.name()
                                + "' did not stop within the cancel grace period of "
                                + config.cancelGrace() + " after it was interrupted",
                        w.id,
                        w.pid,
                        -1,
                        List.of()));
        kill(w, reason);
    }

    /** Kills a worker: it takes no new task from now on; its reader then handles the death. */
    private void kill(WorkerProcess w, String reason) {
        synchronized (this) {
            w.closing = true;
        }
        w.killReason = reason;
        w.process.destroyForcibly();
    }

    /**
     * Adds a note to a settled job's exception, so that its future says what happened next. The
     * exception is taken as stored (a {@code CompletionStage} hands it over as is; {@code get()}
     * may wrap it).
     */
    private static void note(Job job, Throwable note) {
        if (job instanceof CompletionStage<?> stage) {
            stage.whenComplete((v, stored) -> {
                if (stored != null) {
                    stored.addSuppressed(note);
                }
            });
        }
    }

    private void retireIdle() {
        long limit = Objects.requireNonNull(config.idleTimeout(), "scheduled only with an idle timeout")
                .toNanos();
        List<WorkerProcess> idle = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (WorkerProcess w : new ArrayList<>(workers)) {
                if (!w.closing && w.inflight.isEmpty() && now - w.idleSinceNanos >= limit) {
                    w.closing = true;
                    if (closeIfDoneLocked(w)) {
                        idle.add(w);
                    }
                }
            }
        }
        idle.forEach(WorkerProcess::closeInput);
    }

    // ------------------------------------------------------------------ Engine lifecycle

    @Override
    public void resize(int newN) {
        List<WorkerProcess> toClose = new ArrayList<>();
        List<Rec> failed = new ArrayList<>();
        Map<WorkerProcess, List<Out>> sends;
        synchronized (this) {
            n = newN;
            int open = 0;
            for (WorkerProcess w : workers) {
                open += w.closing ? 0 : 1;
            }
            for (int pass = 0; pass < 2 && open > n; pass++) { // idle workers first, then busy ones
                for (WorkerProcess w : new ArrayList<>(workers)) {
                    if (open > n && !w.closing && (pass == 1 || w.inflight.isEmpty())) {
                        w.closing = true;
                        open--;
                        if (closeIfDoneLocked(w)) {
                            toClose.add(w);
                        }
                    }
                }
            }
            fillEagerLocked();
            sends = dispatchLocked(failed);
        }
        toClose.forEach(WorkerProcess::closeInput);
        send(sends);
        settleDropped(failed);
    }

    @Override
    public void shutdown() {
        List<WorkerProcess> toClose = new ArrayList<>();
        synchronized (this) {
            shutdown = true;
            if (queue.isEmpty()) {
                for (WorkerProcess w : new ArrayList<>(workers)) {
                    if (closeIfDoneLocked(w)) {
                        toClose.add(w);
                    }
                }
            }
            checkTerminatedLocked();
        }
        toClose.forEach(WorkerProcess::closeInput);
    }

    /**
     * Stops at once: returns the jobs that never began (queued here, or sent ahead and not begun,
     * which their workers are told to drop), and interrupts running ones inside their workers
     * (killing those that do not stop within the grace period). Workers exit as they become idle.
     */
    @Override
    public List<Job> shutdownNow() {
        List<Job> neverStarted = new ArrayList<>();
        List<Rec> running = new ArrayList<>();
        Map<WorkerProcess, List<Out>> drops = new LinkedHashMap<>();
        List<WorkerProcess> toClose = new ArrayList<>();
        synchronized (this) {
            shutdown = true;
            for (Rec r : queue) {
                if (r.started) {
                    running.add(r); // begun on a worker that died: nothing to interrupt, only to end
                } else {
                    neverStarted.add(r.job);
                }
            }
            queue.clear();
            for (WorkerProcess w : new ArrayList<>(workers)) {
                for (Rec r : w.inflight.values()) {
                    if (r.started) {
                        running.add(r);
                    } else {
                        neverStarted.add(r.job);
                        drops.computeIfAbsent(w, k -> new ArrayList<>()).add(new Out(Frames.INTERRUPT, r.id, null));
                    }
                }
                if (closeIfDoneLocked(w)) {
                    toClose.add(w);
                }
            }
            checkTerminatedLocked();
        }
        toClose.forEach(WorkerProcess::closeInput);
        send(drops);
        for (Rec r : running) {
            if (r.worker == null) {
                r.job.fail(new CancellationException(
                        "task '" + r.job.name() + "' was cancelled: pool '" + poolName + "' was shut down now"));
            } else {
                interrupt(r);
            }
        }
        return neverStarted;
    }

    private void checkTerminatedLocked() {
        if (shutdown && queue.isEmpty() && alive.isEmpty() && terminated.getCount() > 0) {
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            if (stealCheck != null) {
                stealCheck.cancel(false);
            }
            terminated.countDown();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    // ------------------------------------------------------------------ for tests and benchmarks

    /**
     * The process ids of the worker processes not yet seen to exit.
     *
     * @return a snapshot
     */
    public synchronized List<Long> workerPids() {
        return alive.stream().map(w -> w.pid).toList();
    }

    @Override
    public String toString() {
        return "ProcessEngine[" + poolName + ", n=" + n + ", " + config + "]";
    }
}
