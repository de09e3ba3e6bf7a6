package dev.background.process.internal;

import dev.background.internal.remote.RemoteDispatcher;
import dev.background.internal.remote.RemoteDispatcher.Send;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The application's side of one worker JVM: the process, the stream to its standard input, the
 * tasks sent to it, and the echo of its output.
 *
 * <p>Maintainers' overview. What the worker holds is the dispatcher's business, under its lock.
 * Writes to {@code stdin} lock {@code stdin} itself, so frames from several threads never
 * interleave; the dispatcher never sends while holding its lock (a full pipe must not stall it). Standard error is echoed by its own thread, which keeps the last
 * lines for the message of a death.
 */
final class WorkerProcess {
    private static final int TAIL_LINES = 20;

    final String id;
    final Process process;
    final long pid;
    /** Cancellations of tasks sent ahead, shared with the worker. */
    final CancelFlags flags;

    private final DataOutputStream stdin;
    /** The functions this worker holds; guarded by {@code stdin}. */
    private final CallPayload.Sent functions = new CallPayload.Sent();

    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final byte[] prefix;

    @SuppressWarnings("NullAway.Init") // started by ProcessEngine.start before the worker is used
    Thread stderrPump;

    /** Why the engine killed it, for the message of the death; null if it was not killed. */
    volatile @Nullable String killReason;

    volatile long readyNanos;

    WorkerProcess(String id, Process process, CancelFlags flags) {
        this.id = id;
        this.flags = flags;
        this.process = process;
        this.pid = process.pid();
        this.stdin = new DataOutputStream(new java.io.BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.prefix = ("[" + id + "] ").getBytes(Charset.defaultCharset());
    }

    /** Writes frames and flushes once. Failures mean the worker died: its reader reports that. */
    void send(List<Send<CallPayload>> sends) {
        try {
            synchronized (stdin) {
                for (Send<CallPayload> s : sends) {
                    var call = s.call();
                    switch (s.op()) {
                        case RUN, RUN_AHEAD -> {
                            CallPayload payload = Objects.requireNonNull(call, "a call to run")
                                    .payload();
                            CallPayload.Function f = payload.function();
                            if (f != null && functions.add(f)) {
                                Frames.write(
                                        stdin,
                                        Frames.FUNCTION,
                                        f.id(),
                                        f.bytes().array(),
                                        f.bytes().length());
                                long forget = functions.evict();
                                if (forget >= 0) {
                                    Frames.write(stdin, Frames.FORGET, forget);
                                }
                            }
                            Codec.Buffer p = payload.body();
                            Frames.write(
                                    stdin,
                                    s.op() == RemoteDispatcher.Op.RUN ? Frames.TASK : Frames.TASK_AHEAD,
                                    s.id(),
                                    p.array(),
                                    p.length());
                        }
                        case DROP -> {
                            // Seen by the worker before it could begin the task, whether it read the frame or not.
                            flags.set(s.id());
                            Frames.write(stdin, Frames.INTERRUPT, s.id());
                        }
                        case INTERRUPT -> Frames.write(stdin, Frames.INTERRUPT, s.id());
                        case RECALL -> Frames.write(stdin, Frames.RECALL, s.id());
                    }
                }
                stdin.flush();
            }
        } catch (IOException e) {
            // The worker is gone; its reader thread sees the end of its output and handles the death.
        }
    }

    /** Closes the worker's input: it exits at once. */
    void closeInput() {
        try {
            synchronized (stdin) {
                stdin.close();
            }
        } catch (IOException e) {
            // already gone
        }
    }

    /** Echoes standard error line by line with the worker's id, keeping the last lines. */
    void pumpStderr() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), Charset.defaultCharset()))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                PrintStream err = System.err;
                synchronized (err) {
                    err.print("[" + id + "] ");
                    err.println(line);
                }
            }
        } catch (IOException e) {
            // stream closed: the worker is gone
        }
    }

    List<String> stderrTail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    /** Echoes what the task printed to {@code System.out}, whole lines at a time. Reader thread only. */
    void echoOut(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                partialLine.write(bytes, start, i - start);
                printLine();
                start = i + 1;
            }
        }
        partialLine.write(bytes, start, bytes.length - start);
    }

    /** Prints an unfinished last line. Reader thread only. */
    void flushOut() {
        if (partialLine.size() > 0) {
            printLine();
        }
    }

    private void printLine() {
        PrintStream out = System.out;
        synchronized (out) {
            out.write(prefix, 0, prefix.length);
            out.write(partialLine.toByteArray(), 0, partialLine.size());
            out.println();
        }
        partialLine.reset();
    }

    @Override
    public String toString() {
        return id + " (pid " + pid + ")";
    }
}
