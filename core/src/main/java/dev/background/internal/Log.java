package dev.background.internal;

import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/** Logging through {@link System.Logger}, so failures of user callbacks are never swallowed. */
public final class Log {
    private static final System.Logger LOGGER = System.getLogger("dev.background");

    private Log() {}

    public static void warn(String message, Throwable error) {
        LOGGER.log(Level.WARNING, message, error);
    }

    public static void warn(String message) {
        LOGGER.log(Level.WARNING, message);
    }

    /** Runs a user callback; a callback that throws is logged and harms nobody. */
    static <X> void runCallback(Consumer<? super X> callback, X task) {
        try {
            callback.accept(task);
        } catch (Throwable t) {
            warn("a background callback threw; the task and the other callbacks are unaffected (" + task + ")", t);
        }
    }
}
