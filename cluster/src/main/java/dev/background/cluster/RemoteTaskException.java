package dev.background.cluster;

import java.util.Objects;

/**
 * Stands in for an exception thrown by a task on a cluster member when the original cannot be
 * sent back as it is (its class is not serialisable, or missing in the submitting JVM). It keeps
 * the original's class name, message and stack trace, and stands in for its causes the same way.
 * When the original can be sent back, the task's future fails with the original itself.
 */
public class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The class name of the exception thrown on the member. */
    private final String remoteClassName;

    /**
     * Creates a stand-in.
     *
     * @param remoteClassName the class name of the original exception
     * @param message the original's message, or null
     * @param cause the stand-in of the original's cause, or null
     */
    public RemoteTaskException(String remoteClassName, String message, Throwable cause) {
        super(remoteClassName + (message == null ? "" : ": " + message), cause);
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
    }

    /**
     * The class name of the exception the task threw on the member.
     *
     * @return the class name
     */
    public String remoteClassName() {
        return remoteClassName;
    }

    /**
     * Builds a stand-in for {@code t} and its causes, with their stack traces.
     *
     * @param t the original
     * @return the stand-in
     */
    public static RemoteTaskException standInFor(Throwable t) {
        return standInFor(t, 0);
    }

    private static RemoteTaskException standInFor(Throwable t, int depth) {
        Throwable cause = t.getCause();
        RemoteTaskException c = cause == null || cause == t || depth > 20 ? null : standInFor(cause, depth + 1);
        RemoteTaskException e = new RemoteTaskException(t.getClass().getName(), t.getMessage(), c);
        e.setStackTrace(t.getStackTrace());
        return e;
    }
}
