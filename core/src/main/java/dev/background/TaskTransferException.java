package dev.background;

import org.jspecify.annotations.Nullable;

/**
 * A task, its arguments, its result or its exception could not be sent between this JVM and the
 * one that runs the task (a worker process, a cluster member), or could not be rebuilt on
 * arrival: a class in it is not serialisable, is missing on the other side, differs between the
 * two sides, or was refused by a deserialisation filter. The message names the class and says
 * what to do.
 *
 * <p>A task that cannot be sent fails with it at once, when submitted, before it reaches any
 * worker; a task whose result cannot come back fails with it when the worker reports that result.
 * Kinds never retry it: the same task would fail the same way anywhere.
 */
public final class TaskTransferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * For authors of executor kinds: creates the exception. Users never need to.
     *
     * @param message which class could not be sent or rebuilt, why, and what to do
     * @param cause the serialisation error, or null
     */
    public TaskTransferException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
