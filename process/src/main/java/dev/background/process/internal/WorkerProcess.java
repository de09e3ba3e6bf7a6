package dev.background.process.internal;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The application's side of one worker JVM: the process, the stream to its standard input, the
 * tasks sent to it, and the echo of its output.
 *
 * <p>Maintainers' overview. The fields marked "engine lock" belong to {@link ProcessEngine} and are
 * only touched under its lock. Writes to {@code stdin} lock {@code stdin} itself, so frames from
 * several threads never interleave and no thread writes while holding the engine lock (a full pipe
 * must not stall the engine). Standard error is echoed by its own thread, which keeps the last
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
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final byte[] prefix;

    @SuppressWarnings("NullAway.Init") // started by ProcessEngine.spawnLocked before the worker is used
    Thread stderrPump;

    // engine lock
    final LinkedHashMap<Long, ProcessEngine.Rec> inflight = new LinkedHashMap<>();
    int sent;
    /** Takes no new tasks; closed once its tasks are done. */
    boolean closing;
    /** Its input is closed (or about to be): it exits, and that is expected. */
    boolean closed;

    long idleSinceNanos = System.nanoTime();
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
    void send(List<ProcessEngine.Out> frames) {
        try {
            synchronized (stdin) {
                for (ProcessEngine.Out o : frames) {
                    if (o.rec() != null) {
                        Frames.write(stdin, o.type(), o.id(), o.rec().payload, o.rec().length);
                    } else {
                        Frames.write(stdin, o.type(), o.id());
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
