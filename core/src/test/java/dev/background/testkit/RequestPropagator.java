package dev.background.testkit;

import dev.background.context.ThreadLocalPropagator;
import org.jspecify.annotations.Nullable;

/**
 * The tests' request id: an {@link InheritableThreadLocal} (the kind that leaked stale values
 * into pool threads) carried by a {@link ThreadLocalPropagator} that also travels to other JVMs.
 * Installed through this module's test resources
 * ({@code META-INF/services/dev.background.context.ContextPropagator}), so that worker processes
 * and cluster members started with the test class path restore it.
 *
 * <p>Two values misbehave on purpose, only where the value travels: {@value #UNSENDABLE} cannot be
 * encoded on the submitting side, {@value #UNRESTORABLE} cannot be decoded in the worker.
 */
public final class RequestPropagator extends ThreadLocalPropagator<@Nullable String> {
    public static final InheritableThreadLocal<@Nullable String> REQUEST = new InheritableThreadLocal<>();
    public static final String KEY = "test-request";
    public static final String UNSENDABLE = "unsendable";
    public static final String UNRESTORABLE = "unrestorable";

    public RequestPropagator() {
        super(KEY, REQUEST, RequestPropagator::toWire, RequestPropagator::fromWire);
    }

    private static String toWire(@Nullable String value) {
        if (UNSENDABLE.equals(value)) {
            throw new IllegalStateException("the request id " + value + " cannot be sent");
        }
        return String.valueOf(value);
    }

    private static String fromWire(String value) {
        if (UNRESTORABLE.equals(value)) {
            throw new IllegalStateException("the request id " + value + " cannot be restored");
        }
        return value;
    }
}
