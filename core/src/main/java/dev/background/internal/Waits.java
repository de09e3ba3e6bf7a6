package dev.background.internal;

import java.time.Duration;
import java.util.Objects;

/** The argument check and overflow-safe arithmetic shared by every timed wait of the library. */
public final class Waits {
    private Waits() {}

    /**
     * Checks a wait's timeout at the public boundary.
     *
     * @return the timeout in nanoseconds, saturated at {@code Long.MAX_VALUE}
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static long checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** The {@code System.nanoTime()} deadline {@code nanos} from now, saturated at {@code Long.MAX_VALUE}. */
    public static long deadlineAfter(long nanos) {
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }
}
