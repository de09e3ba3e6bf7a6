package dev.background;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for an exception that a task threw in another JVM (a worker process, a cluster
 * member) when the original cannot be rebuilt in this one: its class is not serialisable, or is
 * unknown here. It carries the original's class name ({@link #remoteClassName()}), its message
 * (this exception's message is {@code "ClassName: message"}), its stack trace, and its causes,
 * each as a further {@code RemoteTaskException}. A failure that can be rebuilt reaches the caller
 * as itself, never as this class.
 *
 * <p>Like every failure from another JVM, its stack trace ends with the place where the task was
 * submitted (see {@linkplain dev.background the package documentation}).
 */
public final class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Causes beyond this depth are left out; it also ends a cycle of causes. */
    private static final int MAX_CAUSES = 20;

    /** The binary class name of the exception thrown in the other JVM. */
    private final String remoteClassName;
    /** Its message, or null. */
    private final @Nullable String remoteMessage;

    private RemoteTaskException(
            String remoteClassName, @Nullable String remoteMessage, @Nullable RemoteTaskException cause) {
        super(remoteMessage == null ? remoteClassName : remoteClassName + ": " + remoteMessage, cause);
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
    }

    /**
     * For authors of executor kinds: builds the stand-in of {@code original} and of its causes
     * (up to 20 deep), with their class names, messages and stack traces, to send back instead of
     * an original that cannot travel. A stand-in of a stand-in keeps the first one's class name
     * and message. Users never need to call this.
     *
     * @param original the exception a task threw
     * @return the stand-in, whose causes are stand-ins too
     * @throws NullPointerException if {@code original} is null
     */
    public static RemoteTaskException standInFor(Throwable original) {
        return standInFor(Objects.requireNonNull(original, "original"), 0);
    }

    @SuppressWarnings("ReferenceEquality") // a cause that is the throwable itself is a loop: identity
    private static RemoteTaskException standInFor(Throwable t, int depth) {
        Throwable cause = t.getCause();
        RemoteTaskException c =
                cause == null || cause == t || depth >= MAX_CAUSES ? null : standInFor(cause, depth + 1);
        RemoteTaskException e = t instanceof RemoteTaskException r
                ? new RemoteTaskException(r.remoteClassName, r.remoteMessage, c)
                : new RemoteTaskException(t.getClass().getName(), t.getMessage(), c);
        e.setStackTrace(t.getStackTrace());
        return e;
    }

    /**
     * The class name of the exception the task threw in the other JVM.
     *
     * @return a binary class name, such as {@code com.example.RenderException}
     */
    public String remoteClassName() {
        return remoteClassName;
    }
}
