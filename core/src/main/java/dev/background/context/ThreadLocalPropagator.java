package dev.background.context;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Carries the value of one {@link ThreadLocal} (an {@link InheritableThreadLocal} too) from the
 * submitting thread to the task: {@code ThreadLocal.get()} at submit time, {@code set} on the
 * worker around the call ({@code remove} if the submitter had none), then the worker's own value
 * back.
 *
 * <pre>{@code
 * static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
 * var pool = BackgroundPool.builder()
 *         .propagate(new ThreadLocalPropagator<>("request", REQUEST))
 *         .build();
 * }</pre>
 *
 * <p>Built with the two-function constructor, the value also travels to worker processes and
 * cluster members, as one string. The worker restores it with the propagator of the same key
 * installed there, which takes a subclass with a public no-argument constructor, listed in
 * {@code META-INF/services/dev.background.context.ContextPropagator}:
 *
 * <pre>{@code
 * public final class RequestPropagator extends ThreadLocalPropagator<String> {
 *     public RequestPropagator() {
 *         super("request", Request.CURRENT, s -> s, s -> s);
 *     }
 * }
 * }</pre>
 *
 * <p>The value itself is shared between the submitter and the task, not copied: keep it immutable.
 *
 * @param <T> the value's type
 */
public class ThreadLocalPropagator<T extends @Nullable Object> implements ContextPropagator<T> {
    /** The one field of the carried map. */
    private static final String VALUE = "value";

    private final String key;
    private final ThreadLocal<T> local;
    private final @Nullable Function<? super T, String> encoder;
    private final @Nullable Function<String, ? extends T> decoder;

    /**
     * A propagator whose value stays in this JVM (threads and virtual threads only).
     *
     * @param key the propagator's {@linkplain ContextPropagator#key() key}
     * @param local the thread-local to carry
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is blank
     */
    public ThreadLocalPropagator(String key, ThreadLocal<T> local) {
        this.key = checkKey(key);
        this.local = Objects.requireNonNull(local, "local");
        this.encoder = null;
        this.decoder = null;
    }

    /**
     * A propagator whose value also travels to other JVMs, as the string {@code encoder} makes of
     * it, rebuilt there by {@code decoder}.
     *
     * @param key the propagator's {@linkplain ContextPropagator#key() key}
     * @param local the thread-local to carry
     * @param encoder turns a (non-null) value into a string, on the submitting side
     * @param decoder turns the string back into a value, in the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code key} is blank
     */
    public ThreadLocalPropagator(
            String key,
            ThreadLocal<T> local,
            Function<? super T, String> encoder,
            Function<String, ? extends T> decoder) {
        this.key = checkKey(key);
        this.local = Objects.requireNonNull(local, "local");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must not be blank");
        }
        return key;
    }

    @Override
    public final String key() {
        return key;
    }

    /** Returns the thread-local's value on the submitting thread. */
    @Override
    public final @Nullable T capture() {
        return local.get();
    }

    /** Sets {@code captured} ({@code remove()} if null); the scope puts back the worker's value. */
    @Override
    public final Scope restore(@Nullable T captured) {
        T previous = local.get();
        set(captured);
        return () -> set(previous);
    }

    private void set(@Nullable T value) {
        if (value == null) {
            local.remove();
        } else {
            local.set(value);
        }
    }

    /** The encoder's string under {@code "value"}, or null if built without one. */
    @Override
    public final @Nullable Map<String, String> encode(T captured) {
        return encoder == null ? null : Map.of(VALUE, encoder.apply(captured));
    }

    /**
     * The decoder's value for the carried string.
     *
     * @throws UnsupportedOperationException if built without a decoder
     * @throws IllegalArgumentException if the map has no value
     */
    @Override
    public final @Nullable T decode(Map<String, String> carried) {
        if (decoder == null) {
            throw new UnsupportedOperationException("propagator '" + key + "' was built without a decoder");
        }
        String s = carried.get(VALUE);
        if (s == null) {
            throw new IllegalArgumentException("propagator '" + key + "': carried context without a value");
        }
        return decoder.apply(s);
    }

    @Override
    public String toString() {
        return "ThreadLocalPropagator[" + key + "]";
    }
}
