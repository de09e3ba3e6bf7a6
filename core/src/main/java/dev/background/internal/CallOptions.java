package dev.background.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The per-function options of a wrapped function: immutable, shared by all its calls.
 *
 * @param name the function's name, or null for the default
 * @param timeoutNanos the run-time limit in nanoseconds, or 0 for none
 * @param gate the per-function concurrency limit, or null for none
 */
public record CallOptions(
        @Nullable String name, long timeoutNanos, @Nullable Gate gate) {

    /** No name, no time limit, no concurrency limit. */
    public static final CallOptions DEFAULT = new CallOptions(null, 0, null);

    /** The name shown when the user gave none. */
    public static final String DEFAULT_NAME = "task";

    public CallOptions withName(String newName) {
        return new CallOptions(newName, timeoutNanos, gate);
    }

    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(name, timeout.toNanos(), gate);
    }

    public CallOptions withLimit(int limit) {
        return new CallOptions(name, timeoutNanos, new Gate(limit));
    }

    public String displayName() {
        return name == null ? DEFAULT_NAME : name;
    }
}
