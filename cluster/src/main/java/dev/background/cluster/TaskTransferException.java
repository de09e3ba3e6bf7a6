package dev.background.cluster;

/**
 * A task, its result or its failure could not be moved between the submitting JVM and a cluster
 * member: the task is not serialisable, a class it needs is missing on the member or not in the
 * member's deserialisation allowlist, or its result is not serialisable. The message names the
 * class and says what to do. Never retried: the same task would fail the same way on any member.
 */
public class TaskTransferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be moved, why, and what to do
     * @param cause the serialisation error, or null
     */
    public TaskTransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
