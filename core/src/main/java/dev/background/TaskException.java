package dev.background;

import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception in which {@link Task#result()} wraps a task's checked exception
 * (kept as the {@linkplain #getCause() cause}, with its stack trace), or an interrupted wait.
 * Unchecked exceptions and errors thrown by a task are rethrown as they are, never wrapped.
 */
public class TaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception that wraps {@code cause}.
     *
     * @param message what happened
     * @param cause the original exception
     */
    public TaskException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
