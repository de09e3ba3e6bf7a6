package dev.background.process.internal;

import dev.background.TaskTransferException;
import dev.background.context.CarriedContext;
import dev.background.internal.remote.RemoteDispatcher;
import dev.background.internal.remote.RemoteDispatcher.Send;
import dev.background.internal.remote.Scheduler;
import dev.background.internal.remote.StartedWorkers;
import dev.background.process.WorkerDiedException;
import dev.background.spi.BoundCall;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import dev.background.spi.SubmitSite;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine of the worker-process kind: the transport of a {@link RemoteDispatcher}, which holds
 * all the scheduling (queue, slots, sending ahead, requeue on death, cancel escalation, start-up
 * failures, shutdown). This class starts worker JVMs, writes frames to their standard input, and
 * reads their answers and exits on one reader thread per worker, which it reports to the
 * dispatcher.
 *
 * <p>Maintainers' overview. No lock of its own: a {@link WorkerProcess} locks its input stream for
 * each batch of frames, and its reader thread is the only one to read its output. Frames that
 * break the protocol (an answer for a task the worker does not hold, a malformed frame) get the
 * worker killed: it is retired first so it takes no new task, and its exit is then reported like
 * any other.
 */
public final class ProcessEngine implements Engine, StartedWorkers<WorkerProcess, CallPayload> {

    private final String poolName;
    private final WorkerConfig config;
    private final SerialFilter filter;
    private final CallPayload.Functions functions = new CallPayload.Functions();
    private final RemoteDispatcher<WorkerProcess, CallPayload> dispatcher;

    /** After this many start-up deaths in a row, with no worker up, the waiting tasks fail. */
    private static final int START_FAILURES_TO_GIVE_UP = 3;

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
        this.config = config;
        this.filter = new SerialFilter(config.serialFilter());
        this.dispatcher = RemoteDispatcher.started(
                poolName,
                n,
                new RemoteDispatcher.Policy(
                        config.eager(),
                        config.maxTasksPerWorker(),
                        config.idleTimeout() == null ? 0 : config.idleTimeout().toNanos(),
                        config.retries(),
                        config.cancelGrace().toNanos(),
                        config.prefetch(),
                        START_FAILURES_TO_GIVE_UP),
                this,
                Scheduler.system(),
                events);
        dispatcher.start();
    }

    // ------------------------------------------------------------------ submitting

    @Override
    public void execute(Job job) {
        if (dispatcher.isShutdown()) {
            throw dispatcher.rejected();
        }
        CarriedContext context;
        try {
            context = job.carriedContext();
        } catch (RuntimeException | Error e) { // a propagator could not encode: its message says which
            job.fail(e);
            return;
        }
        CallPayload payload;
        try {
            payload = encode(job, context);
        } catch (Exception | StackOverflowError e) {
            job.fail(notSerializable(job, e));
            return;
        }
        dispatcher.execute(job, payload);
    }

    /**
     * A call of a wrapped function travels as its function's id and its arguments, the function
     * itself going to each worker once; any other call travels whole, every time.
     */
    private CallPayload encode(Job job, @Nullable CarriedContext context) throws IOException {
        if (job.callable() instanceof BoundCall<?> call) {
            CallPayload.Function f = functions.of(call.function());
            return new CallPayload(f, Codec.encodeBoundCall(job.name(), context, f.id(), call.arguments()));
        }
        return new CallPayload(null, Codec.encodeTask(job.name(), context, job.callable()));
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

    // ------------------------------------------------------------------ the transport

    @Override
    public WorkerProcess start(String id) throws IOException {
        CancelFlags flags = CancelFlags.create();
        Process p;
        try {
            p = WorkerCommand.start(config, id, flags.file.toString());
        } catch (IOException | RuntimeException e) {
            flags.deleteFile();
            throw e;
        }
        WorkerProcess w = new WorkerProcess(id, p, flags);
        w.stderrPump = Thread.ofPlatform()
                .daemon()
                .name("background-" + id + "-stderr")
                .start(w::pumpStderr);
        Thread.ofPlatform().daemon().name("background-" + id + "-reader").start(() -> readLoop(w));
        return w;
    }

    @Override
    public void send(WorkerProcess worker, List<Send<CallPayload>> sends) {
        worker.send(sends);
    }

    @Override
    public void close(WorkerProcess worker) {
        worker.closeInput();
    }

    @Override
    public void killStuck(WorkerProcess w, Job job) {
        String reason = "it was killed because task '" + job.name() + "' did not stop within " + config.cancelGrace()
                + " of being interrupted";
        note(
                job,
                new WorkerDiedException(
                        "worker process " + w + " of pool '" + poolName + "' was killed and"
                                + " replaced: task '" + job.name()
                                + "' did not stop within the cancel grace period of "
                                + config.cancelGrace() + " after it was interrupted",
                        w.id,
                        w.pid,
                        -1,
                        List.of()));
        kill(w, reason);
    }

    @Override
    public String where(WorkerProcess worker) {
        return worker.toString();
    }

    @Override
    public String exitDetail(WorkerProcess worker, int exitCode) {
        String reason = worker.killReason;
        return "exit code " + exitCode + (reason != null ? ": " + reason : "");
    }

    @Override
    public RuntimeException cannotStart(Job job, Exception cause) {
        return new IllegalStateException(
                "background pool '" + poolName + "' could not start a worker process for task '" + job.name() + "': "
                        + cause,
                cause);
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
                        dispatcher.onReady(w);
                    }
                    case Frames.OUT -> w.echoOut(f.payload());
                    case Frames.STARTED -> {
                        if (!dispatcher.onStarted(w, f.id())) {
                            throw new Frames.MalformedFrameException(
                                    "STARTED for task " + f.id() + ", which was not sent to it");
                        }
                    }
                    case Frames.RECALLED -> {
                        w.flags.clear(f.id());
                        if (!dispatcher.onRecalled(w, f.id())) {
                            throw new Frames.MalformedFrameException(
                                    "RECALLED for task " + f.id() + ", which was not sent to it");
                        }
                    }
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
        int code = waitForExit(w);
        w.flags.deleteFile(); // if it died before it could
        try {
            w.stderrPump.join(2_000); // its last lines explain the death
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.onExit(w, code);
    }

    private void onAnswer(WorkerProcess w, Frames.Frame f) throws Frames.MalformedFrameException {
        w.flags.clear(f.id());
        RemoteDispatcher.Call<CallPayload> call = dispatcher.onAnswer(w, f.id());
        if (call == null) {
            throw new Frames.MalformedFrameException("answer for task " + f.id() + ", which was not sent to it");
        }
        Job job = call.job();
        if (f.type() == Frames.CANCELLED) {
            job.fail(new CancellationException("task '" + job.name() + "' was cancelled"));
            return;
        }
        boolean ok = f.type() == Frames.RESULT;
        Object decoded;
        try {
            decoded = Codec.decode(f.payload(), filter);
        } catch (Exception | LinkageError | StackOverflowError e) {
            job.fail(SubmitSite.appendTo(undecodable(job, w, ok ? "result" : "exception", e), job, null));
            return;
        }
        if (ok) {
            job.succeed(decoded);
        } else if (decoded instanceof Throwable t) {
            job.fail(SubmitSite.appendTo(t, job, "worker " + w.id));
        } else {
            throw new Frames.MalformedFrameException("error frame without an exception");
        }
    }

    /** A payload that could not be read; a rejected one ends the worker, as hostile. */
    private TaskTransferException undecodable(Job job, WorkerProcess w, String what, Throwable e) {
        if (SerialFilter.isRejection(e)) {
            kill(w, "it sent a " + what + " that the deserialisation filter rejected, and was stopped");
            return new TaskTransferException(
                    "the " + what + " of task '" + job.name() + "' from worker "
                            + w + " was refused by the deserialisation filter (" + SerialFilter.describe(e)
                            + "); the worker was"
                            + " stopped. Allow the classes with ProcessKind.builder().serialFilter(..) if they are yours",
                    e);
        }
        return new TaskTransferException(
                "the " + what + " of task '" + job.name() + "' from worker " + w + " could not be deserialised: " + e,
                e);
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

    @Override
    public WorkerDiedException died(WorkerProcess w, Job job, int code, int attempts) {
        StringBuilder m = new StringBuilder("worker process ")
                .append(w)
                .append(" of pool '")
                .append(poolName)
                .append(w.readyNanos == 0 ? "' could not start, for task '" : "' died while running task '")
                .append(job.name())
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
        if (attempts > 1) {
            m.append("; tried ").append(attempts).append(" times");
        }
        if (tail.isEmpty()) {
            m.append(". It wrote nothing to its standard error.");
        } else {
            m.append(". Last lines of its standard error:");
            tail.forEach(l -> m.append("\n    ").append(l));
        }
        WorkerDiedException e = new WorkerDiedException(m.toString(), w.id, w.pid, code, tail);
        return SubmitSite.appendTo(e, job, null);
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

    /** Kills a worker: it takes no new task from now on; its reader then reports the death. */
    private void kill(WorkerProcess w, String reason) {
        dispatcher.retire(w);
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

    // ------------------------------------------------------------------ Engine lifecycle

    @Override
    public void resize(int newN) {
        dispatcher.resize(newN);
    }

    @Override
    public void shutdown() {
        dispatcher.shutdown();
    }

    @Override
    public List<Job> shutdownNow() {
        return dispatcher.shutdownNow();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return dispatcher.awaitTermination(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return dispatcher.isTerminated();
    }

    // ------------------------------------------------------------------ for tests and benchmarks

    /**
     * The process ids of the worker processes not yet seen to exit.
     *
     * @return a snapshot
     */
    public List<Long> workerPids() {
        return dispatcher.workers().stream().map(w -> w.pid).toList();
    }

    @Override
    public String toString() {
        return "ProcessEngine[" + poolName + ", " + dispatcher + ", " + config + "]";
    }
}
