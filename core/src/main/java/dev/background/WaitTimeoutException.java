package dev.background;

/**
 * Thrown when a wait with a time limit ({@link Task#result(java.time.Duration)},
 * {@link Tasks#asCompleted(java.util.Collection, java.time.Duration)}, ...) runs out before the
 * awaited tasks end. The tasks themselves go on; cancel them if they are no longer wanted.
 *
 * <p>Not to be confused with a task's own time limit ({@code timeout(..)} on a wrapped function),
 * which fails that task's future with a {@link java.util.concurrent.TimeoutException}.
 */
public class WaitTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was awaited and for how long
     */
    public WaitTimeoutException(String message) {
        super(message);
    }
}
