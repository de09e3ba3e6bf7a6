package dev.background.process;

import java.util.List;

/**
 * The failure of a task whose worker process died while running it: the task called
 * {@code System.exit}, ran out of heap, was killed by a signal, crashed the JVM, or the worker was
 * killed because it did not stop within the grace period after an interrupt. Other tasks of the
 * pool are unaffected and a new worker takes the dead one's place.
 *
 * <p>The message says which worker died, how (exit code or signal), and quotes the last lines the
 * worker wrote to its standard error; the same facts are available from the accessors. Its stack
 * trace is the place where the task was submitted, when the kind records submit sites.
 */
public final class WorkerDiedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The dead worker's id, such as {@code "pool-worker-2"}. */
    private final String workerId;
    /** The dead worker's process id. */
    private final long pid;
    /** The worker's exit code, or -1 if unknown (on Unix, 128 + n means signal n). */
    private final int exitCode;
    /** The last lines the worker wrote to its standard error, oldest first. */
    @SuppressWarnings("serial") // List.copyOf's lists are serialisable
    private final List<String> stderrTail;

    /**
     * Creates the exception.
     *
     * @param message the full message
     * @param workerId the worker's id, such as {@code "pool-worker-2"}
     * @param pid the worker's process id
     * @param exitCode the worker's exit code, or -1 if unknown (on Unix, 128 + n means signal n)
     * @param stderrTail the last lines of the worker's standard error, oldest first
     */
    public WorkerDiedException(String message, String workerId, long pid, int exitCode, List<String> stderrTail) {
        super(message);
        this.workerId = workerId;
        this.pid = pid;
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /**
     * The id of the worker that died, as it prefixes the worker's output lines.
     *
     * @return the worker id
     */
    public String workerId() {
        return workerId;
    }

    /**
     * The process id of the worker that died.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * The worker's exit code: on Unix a value above 128 means it was killed by signal
     * {@code exitCode - 128} (137 is {@code kill -9}); 3 is the exit on {@code OutOfMemoryError}.
     *
     * @return the exit code, or -1 if the worker could not be waited for
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The signal that killed the worker, if its exit code says so (Unix only).
     *
     * @return the signal number, or 0 if the worker exited by itself
     */
    public int signal() {
        return exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : 0;
    }

    /**
     * The last lines the worker wrote to its standard error before it died, oldest first.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
