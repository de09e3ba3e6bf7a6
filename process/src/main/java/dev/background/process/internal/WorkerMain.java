package dev.background.process.internal;

import dev.background.RemoteTaskException;
import dev.background.TaskTransferException;
import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.function.CheckedCallable;
import dev.background.process.spi.WorkerInitializer;
import dev.background.spi.BoundCall;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The main class of a worker JVM. Reads frames from standard input, runs tasks one at a time in
 * order, and writes results to standard output; tasks are deserialised as they arrive (so a hostile
 * frame is refused at once); the functions of wrapped calls arrive once each (FUNCTION) and are
 * kept until the application says to forget them (FORGET), which bounds how many it holds; {@code System.out} is redirected into frames and
 * {@code System.in} is emptied, so user code cannot corrupt the channel.
 *
 * <p>Maintainers' overview. Two threads: the reader thread reads frames and must never block on
 * anything else (so the application's writes always drain); the executor thread runs tasks.
 * {@code lock} guards the queue of received tasks, {@code currentId}, {@code begun} and
 * {@code skipCurrent}: an interrupt for the current task interrupts the executor thread if the task
 * has begun, or marks it to be skipped if not; one for a queued task removes it and is answered at
 * once with CANCELLED (a RECALL likewise with RECALLED); one for a finished task is ignored. Before
 * it begins a task sent ahead, the executor checks the {@link CancelFlags} shared with the
 * application, so that a cancellation made before the task's turn always wins, read or not.
 * The executor clears its interrupt status under the lock after each task, so an interrupt never
 * leaks into the next one. {@code out} is locked for every frame written. A task's answer is
 * flushed before the next task begins (together with that task's STARTED, if it was sent ahead)
 * or before the executor waits, so when the worker dies the application knows exactly which task
 * was running: the oldest one it has no answer for.
 *
 * <p>Before the ready report, the installed {@link WorkerInitializer}s run on the main thread.
 * The reader runs from the start all the same, since the application sends tasks ahead to a
 * starting worker, and a full pipe would block its submitting threads until the initializers
 * return: until then the reader keeps the frames as read, in {@code early} (bounded by what the
 * application sends ahead), and the main thread handles them once the initializers have
 * returned, under {@code early}'s lock, so that no frame is handled before them and none out of
 * order. No frame is decoded before the initializers have run.
 *
 * <p>Exits: standard input at its end (the application closed it or died) halts at once; so does
 * the parent process's exit, watched separately; a malformed or rejected frame prints the reason to
 * standard error and exits with {@value #EXIT_BAD_FRAME}, before any of its content runs.
 */
public final class WorkerMain {
    /** Exit code for a malformed or hostile frame (sysexits' EX_DATAERR). */
    public static final int EXIT_BAD_FRAME = 65;

    /** Exit code for a {@link WorkerInitializer} that failed (sysexits' EX_SOFTWARE). */
    public static final int EXIT_INITIALIZER_FAILED = 70;

    private record Pending(
            long id, String name, @Nullable CarriedContext context, CheckedCallable<?> call, boolean ahead) {}

    /** The propagators installed here, loaded at the first task that carries context; executor thread only. */
    private @Nullable List<ContextPropagator<?>> propagators;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long currentId = -1;
    /** Whether the current task has begun; until then an interrupt for it means "skip it". Lock. */
    private boolean begun;

    private boolean skipCurrent;
    /**
     * The functions the application sent, by id; read and written by whichever thread handles
     * frames (the main thread, then the reader: see the overview).
     */
    private final Map<Long, Object> functions = new HashMap<>();
    /** Cancellations of tasks sent ahead, shared with the application; null if not given. */
    private @Nullable CancelFlags cancelled;

    private final Object earlyLock = new Object();
    /** Frames read before the initializers returned; null once they are handled. Guarded by {@code earlyLock}. */
    private @Nullable ArrayDeque<Frames.Frame> early = new ArrayDeque<>();

    @SuppressWarnings("NullAway.Init") // started by main() before the first frame is handled
    private Thread executor;

    private final DataOutputStream out;
    private final SerialFilter filter;
    private final String id;

    private WorkerMain(DataOutputStream out, SerialFilter filter, String id) {
        this.out = out;
        this.filter = filter;
        this.id = id;
    }

    /**
     * Runs a worker.
     *
     * @param args the parent's pid, the worker id, and optionally a filter pattern
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the stage on the parent's exit only halts this JVM
    public static void main(String[] args) throws Exception {
        long parentPid = Long.parseLong(args[0]);
        String id = args[1];
        String flagsFile = args[2];
        String pattern = args.length > 3 ? args[3] : null;
        DataOutputStream channel =
                new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        InputStream stdin = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16);
        System.setIn(InputStream.nullInputStream());
        WorkerMain w = new WorkerMain(channel, new SerialFilter(pattern), id);
        if (!flagsFile.equals("-")) {
            w.cancelled = CancelFlags.open(Path.of(flagsFile));
        }
        System.setOut(new PrintStream(new BufferedOutputStream(w.new OutFrames(), 8192), true));
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                        () -> Runtime.getRuntime().halt(0));
        Thread.ofPlatform().name("background-worker-reader").start(() -> w.readFrames(new DataInputStream(stdin)));
        initialize(id);
        w.executor = Thread.ofPlatform().name("background-worker-task").start(w::runTasks);
        w.send(Frames.READY, ProcessHandle.current().pid(), null, 0);
        w.flush();
        w.handleEarlyFrames();
    }

    /** Handles the frames read while the initializers ran; from here on the reader handles them as read. */
    private void handleEarlyFrames() {
        try {
            synchronized (earlyLock) {
                for (Frames.Frame f : Objects.requireNonNull(early)) {
                    handle(f);
                }
                early = null;
            }
        } catch (Frames.MalformedFrameException e) {
            badFrame(e.getMessage());
        } catch (Throwable t) {
            badFrame("unexpected " + t);
        }
    }

    /**
     * Runs the installed {@link WorkerInitializer}s before the worker says it is ready; one that
     * fails ends the worker, which the application sees as a death at start-up. Nothing has been
     * handled yet: the reader keeps what it reads meanwhile.
     */
    private static void initialize(String id) {
        WorkerInitializer current = null;
        try {
            for (WorkerInitializer i : ServiceLoader.load(WorkerInitializer.class, WorkerMain.class.getClassLoader())) {
                current = i;
                i.initialize();
                current = null; // a failure from here on is the loader's
            }
        } catch (Throwable t) { // a ServiceConfigurationError or LinkageError too: the worker cannot serve
            System.out.flush();
            System.err.println("background worker " + id + ": "
                    + (current == null
                            ? "its initializers could not be loaded"
                            : current.getClass().getName() + " failed")
                    + "; exiting before taking tasks");
            t.printStackTrace(System.err);
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_INITIALIZER_FAILED);
        }
    }

    private void readFrames(DataInputStream in) {
        try {
            Frames.Frame f;
            while ((f = Frames.read(
                            in,
                            Frames.TASK,
                            Frames.TASK_AHEAD,
                            Frames.INTERRUPT,
                            Frames.RECALL,
                            Frames.FUNCTION,
                            Frames.FORGET))
                    != null) {
                synchronized (earlyLock) {
                    ArrayDeque<Frames.Frame> e = early;
                    if (e != null) {
                        e.addLast(f);
                        continue;
                    }
                }
                handle(f);
            }
            Runtime.getRuntime().halt(0); // the application closed our input, or died
        } catch (Frames.MalformedFrameException e) {
            badFrame(e.getMessage());
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        } catch (Throwable t) { // never leave a worker without its reader: the application would wait forever
            badFrame("unexpected " + t);
        }
    }

    /** Reader thread, or the main thread for the frames read before the initializers returned. */
    private void handle(Frames.Frame f) throws Frames.MalformedFrameException {
        switch (f.type()) {
            case Frames.FUNCTION -> functions.put(f.id(), decodeFunction(f));
            case Frames.FORGET -> functions.remove(f.id());
            case Frames.TASK, Frames.TASK_AHEAD -> {
                // Decoded here, on arrival, so that a hostile frame is refused at once, even while a task runs.
                Pending p = decodeTask(f);
                synchronized (lock) {
                    queue.addLast(p);
                    lock.notifyAll();
                }
            }
            case Frames.INTERRUPT -> interrupt(f.id());
            default -> recall(f.id());
        }
    }

    private Object decodeFunction(Frames.Frame f) throws Frames.MalformedFrameException {
        Object function;
        try {
            function = Codec.decode(f.payload(), filter);
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw undecodable("function " + f.id(), e);
        }
        if (function == null) {
            throw new Frames.MalformedFrameException("function " + f.id() + " is null");
        }
        return function;
    }

    private static Frames.MalformedFrameException undecodable(String what, Throwable e) {
        return new Frames.MalformedFrameException(what + ": "
                + (SerialFilter.isRejection(e)
                        ? "the deserialisation filter " + SerialFilter.describe(e)
                        : "it could not be deserialised: " + e));
    }

    private Pending decodeTask(Frames.Frame f) throws Frames.MalformedFrameException {
        Codec.DecodedTask task;
        try {
            task = Codec.decodeTask(f.payload(), filter, functions::get);
        } catch (Frames.MalformedFrameException e) {
            throw new Frames.MalformedFrameException("task " + f.id() + ": " + e.getMessage());
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw undecodable("task " + f.id(), e);
        }
        if (task.arguments() != null) {
            try {
                return new Pending(
                        f.id(),
                        task.name(),
                        task.context(),
                        BoundCall.of(Objects.requireNonNull(task.call(), "a function sent before"), task.arguments()),
                        f.type() == Frames.TASK_AHEAD);
            } catch (IllegalArgumentException e) {
                throw new Frames.MalformedFrameException("task " + f.id() + ": " + e.getMessage());
            }
        }
        if (!(task.call() instanceof CheckedCallable<?> c)) {
            throw new Frames.MalformedFrameException("task " + f.id() + ": it could not be deserialised: a "
                    + (task.call() == null ? "null" : task.call().getClass().getName()) + " is not a task");
        }
        return new Pending(f.id(), task.name(), task.context(), c, f.type() == Frames.TASK_AHEAD);
    }

    /** Removes a task not yet begun from the queue; true if it was there. */
    private boolean unqueue(long taskId) {
        synchronized (lock) {
            for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                if (it.next().id() == taskId) {
                    it.remove();
                    return true;
                }
            }
            return false;
        }
    }

    private void interrupt(long taskId) {
        synchronized (lock) {
            if (currentId == taskId) {
                if (begun) {
                    executor.interrupt();
                } else {
                    skipCurrent = true; // cancelled before it began: it never runs
                }
                return;
            }
        }
        if (unqueue(taskId)) {
            answerLater(Frames.CANCELLED, taskId);
        }
    }

    private void recall(long taskId) {
        if (unqueue(taskId)) {
            answerLater(Frames.RECALLED, taskId);
        }
    }

    /** Not from the reader thread: it must never block on standard output (see the overview). */
    private void answerLater(byte type, long taskId) {
        Thread.startVirtualThread(() -> {
            send(type, taskId, null, 0);
            flush();
        });
    }

    private void badFrame(@Nullable String why) {
        System.err.println("background worker " + id + ": rejected a malformed or hostile frame on its standard input ("
                + why + "); exiting without running it");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_BAD_FRAME);
    }

    private void runTasks() {
        Thread self = Thread.currentThread();
        while (true) {
            Pending p;
            synchronized (lock) {
                p = queue.pollFirst();
                if (p != null) {
                    currentId = p.id();
                    begun = skipCurrent = false;
                }
            }
            if (p == null) {
                flush(); // the last answers go out before we wait, never while holding the lock
                synchronized (lock) {
                    while (queue.isEmpty()) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            // stale interrupt of a finished task: keep waiting
                        }
                    }
                    p = queue.removeFirst();
                    currentId = p.id();
                    begun = skipCurrent = false;
                }
            }
            if (p.ahead() && !mayBegin(p.id())) {
                synchronized (lock) {
                    currentId = -1;
                }
                send(Frames.CANCELLED, p.id(), null, 0);
                continue;
            }
            synchronized (lock) {
                begun = true;
                if (skipCurrent) { // interrupted (time limit, cancel) just before it began
                    self.interrupt();
                }
            }
            if (p.ahead()) {
                send(Frames.STARTED, p.id(), null, 0);
            }
            flush(); // the previous task's answer, with this one's start: one write
            self.setName("background-worker/" + p.name());
            Object value = null;
            Throwable failure = null;
            ContextPropagator.Scope scope = null;
            try {
                CarriedContext context = p.context();
                if (context != null) { // the submitter's context, and nothing else (see ContextPropagator)
                    scope = context.restore(installedPropagators());
                }
                value = p.call().call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (scope != null) {
                    scope.close(); // logs, never throws
                }
            }
            System.out.flush(); // the task's output comes before its result
            synchronized (lock) {
                currentId = -1;
                Thread.interrupted();
            }
            sendOutcome(p.id(), value, failure);
        }
    }

    private List<ContextPropagator<?>> installedPropagators() {
        List<ContextPropagator<?>> p = propagators;
        if (p == null) {
            p = ContextPropagator.installed(WorkerMain.class.getClassLoader());
            propagators = p;
        }
        return p;
    }

    /**
     * For a task sent ahead: whether it may begin, that is, was not cancelled, whether by a frame
     * already handled or by the shared flags, which the application sets before its
     * {@code cancel} returns (so a cancellation the reader has not read yet still wins).
     */
    private boolean mayBegin(long taskId) {
        synchronized (lock) {
            return !skipCurrent && (cancelled == null || !cancelled.isSet(taskId));
        }
    }

    private void sendOutcome(long taskId, @Nullable Object value, @Nullable Throwable failure) {
        Codec.Buffer payload;
        byte type = Frames.RESULT;
        if (failure == null) {
            try {
                payload = Codec.encode(value);
            } catch (Exception | StackOverflowError e) {
                type = Frames.ERROR;
                failure = new TaskTransferException(
                        "the task's result, of class "
                                + Objects.requireNonNull(value).getClass().getName()
                                + ", cannot be sent back from the worker process: " + e
                                + ". Return a serialisable value (implement java.io.Serializable, or copy the data into"
                                + " a record, String, List or Map of serialisable values)",
                        null);
                payload = encodeFailure(failure);
            }
        } else {
            type = Frames.ERROR;
            payload = encodeFailure(failure);
        }
        send(type, taskId, payload.array(), payload.length());
    }

    private static Codec.Buffer encodeFailure(Throwable failure) {
        try {
            return Codec.encode(failure);
        } catch (Exception | StackOverflowError e) {
            try {
                return Codec.encode(RemoteTaskException.standInFor(failure));
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** Writes a frame without flushing; answers are flushed before the next task begins or the worker waits. */
    private void send(byte type, long taskId, byte @Nullable [] payload, int length) {
        try {
            synchronized (out) {
                Frames.write(out, type, taskId, payload, length);
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(0); // the application is gone
        }
    }

    private void flush() {
        try {
            synchronized (out) {
                out.flush();
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        }
    }

    /** {@code System.out} of the worker: each flush becomes one OUT frame. */
    private final class OutFrames extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > 0) {
                byte[] copy = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                send(Frames.OUT, 0, copy, len);
                WorkerMain.this.flush();
            }
        }
    }
}
