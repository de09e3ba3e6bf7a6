package dev.background.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the library logs through {@link System.Logger} (logger {@code dev.background}),
 * which goes to {@code java.util.logging} when no other backend is installed. Close it to stop.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger("dev.background");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final boolean parentHandlers;

    private LogCapture() {
        this.parentHandlers = LOGGER.getUseParentHandlers();
    }

    /** Returns a capture that records from now on (and keeps the records off the console). */
    public static LogCapture start() {
        LogCapture c = new LogCapture();
        LOGGER.addHandler(c);
        LOGGER.setUseParentHandlers(false);
        return c;
    }

    /** Returns what was logged so far. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        LOGGER.removeHandler(this);
        LOGGER.setUseParentHandlers(parentHandlers);
    }
}
