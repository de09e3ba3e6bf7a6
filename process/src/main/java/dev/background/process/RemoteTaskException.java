package dev.background.process;

/**
 * Stands for an exception thrown by a task in a worker process that could not itself be sent
 * back (it holds something that is not serialisable). It carries the original exception's class
 * name, message and remote stack trace, and its causes as further {@code RemoteTaskException}s.
 * Exceptions that can be serialised reach the caller as themselves, not as this class.
 */
public final class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The name of the original exception's class. */
    private final String remoteClassName;

    /**
     * Creates the exception.
     *
     * @param remoteClassName the class of the original exception
     * @param message the original message, or null
     * @param cause the original cause (as a {@code RemoteTaskException}), or null
     */
    public RemoteTaskException(String remoteClassName, String message, Throwable cause) {
        super(remoteClassName + (message == null ? "" : ": " + message), cause);
        this.remoteClassName = remoteClassName;
    }

    /**
     * Converts any throwable, with its causes, into {@code RemoteTaskException}s that keep the
     * class names, messages and stack traces. Used by workers.
     *
     * @param t the original throwable
     * @return the stand-in
     */
    public static RemoteTaskException of(Throwable t) {
        Throwable cause = t.getCause();
        RemoteTaskException r = new RemoteTaskException(t.getClass().getName(), t.getMessage(),
                cause == null || cause == t ? null : of(cause));
        r.setStackTrace(t.getStackTrace());
        return r;
    }

    /**
     * The class name of the exception the task threw.
     *
     * @return a binary class name
     */
    public String remoteClassName() {
        return remoteClassName;
    }
}
