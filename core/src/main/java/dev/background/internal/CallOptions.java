package dev.background.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The per-function options of a wrapped function: immutable, shared by all its calls.
 *
 * @param name the function's name, or null for the default
 * @param timeoutNanos the run-time limit in nanoseconds, or 0 for none
 * @param gate the per-function concurrency limit, or null for none
 * @param retry the function's retry rules, or null for the pool's default
 * @param delayNanos how long after its submit a call is handed to the workers, or 0
 */
public record CallOptions(
        @Nullable String name,
        long timeoutNanos,
        @Nullable Gate gate,
        @Nullable RetryRules retry,
        long delayNanos) {

    /** No name, no time limit, no concurrency limit, the pool's retries, no delay. */
    public static final CallOptions DEFAULT = new CallOptions(null, 0, null, null, 0);

    /** The name shown when the user gave none. */
    public static final String DEFAULT_NAME = "task";

    public CallOptions withName(String newName) {
        return new CallOptions(newName, timeoutNanos, gate, retry, delayNanos);
    }

    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(name, timeout.toNanos(), gate, retry, delayNanos);
    }

    public CallOptions withLimit(int limit) {
        return new CallOptions(name, timeoutNanos, new Gate(limit), retry, delayNanos);
    }

    public CallOptions withRetry(RetryRules rules) {
        return new CallOptions(name, timeoutNanos, gate, rules, delayNanos);
    }

    public CallOptions withDelay(long nanos) {
        return new CallOptions(name, timeoutNanos, gate, retry, nanos);
    }

    public String displayName() {
        return name == null ? DEFAULT_NAME : name;
    }
}
