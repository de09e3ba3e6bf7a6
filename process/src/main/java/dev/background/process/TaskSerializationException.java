package dev.background.process;

/**
 * A task, its arguments or its result could not cross the boundary between the application and
 * a worker process: something in it is not serialisable, or a deserialisation filter rejected it.
 * The message names the offending class and says what to do. Thrown into the task's future, at
 * once for a task that cannot be sent (before it reaches any worker), or when the worker reports
 * a result it cannot send back.
 */
public final class TaskSerializationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be serialised and what to do
     * @param cause the serialisation error, or null
     */
    public TaskSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
