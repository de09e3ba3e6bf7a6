package dev.background.context;

import dev.background.internal.Installed;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Carries one kind of context from the thread that submits a call to the thread that runs it:
 * {@link #capture()} on the submitting thread when the call is submitted, {@link #restore} on the
 * worker before the call (and before the task's callbacks), and {@link Scope#close()} after, which
 * puts back what the worker had. A task sees exactly what its submitter had: a value that was not
 * set when the call was submitted is cleared on the worker for the call, so nothing of another
 * request, or of a previous task of the same thread, shows through.
 *
 * <p>Implementations must be thread-safe (one instance serves every thread of a pool) and their
 * captured values immutable, or copies (they are read on another thread, maybe more than once).
 *
 * <p><b>Failures.</b> Each phase's failure stays with the task it belongs to; nothing else is
 * affected:
 * <ul>
 * <li>{@link #capture()} throws: the submit returns normally and its task fails at once with that
 *     exception; the call never runs (as when an engine cannot take a call).
 * <li>{@link #restore} throws, or {@link #decode} on a remote worker: the task fails with that
 *     exception and the call does not run; the propagators restored before it are closed.
 * <li>{@link #encode} throws (remote kinds, when the call is sent): the task fails with it.
 * <li>{@link Scope#close()} throws: logged through {@link System.Logger} (logger
 *     {@code dev.background}); the task keeps its outcome and the other scopes are still closed.
 * <li>Around a callback, a {@code restore} that throws is logged and the callback runs without
 *     the context.
 * </ul>
 *
 * <p><b>Other JVMs.</b> For worker processes and cluster members, a propagator whose
 * {@link #encode} returns a map travels as that map of strings, keyed by {@link #key()}; the
 * worker decodes and restores it with the propagator of the same key installed there
 * ({@link #installed()}: listed in {@code META-INF/services/dev.background.context.ContextPropagator},
 * or {@code provides} in a module, with a public no-argument constructor). A propagator that does
 * not encode (the default) stays in this JVM.
 *
 * @param <T> the captured value's type
 */
public interface ContextPropagator<T extends @Nullable Object> {

    /**
     * A stable name for this kind of context, such as {@code "mdc"}: one per pool, and the key
     * under which the value travels to other JVMs.
     *
     * @return the key, not blank
     */
    String key();

    /**
     * Captures this context on the submitting thread, at submit time. Must be quick: it runs on
     * every submit.
     *
     * @return the value, or null if there is none (the task then runs with none)
     */
    @Nullable
    T capture();

    /**
     * On the thread that runs the task: makes {@code captured} current (or clears the context, if
     * null) and returns how to put back what the thread had.
     *
     * @param captured what {@link #capture()} returned on the submitting thread, or
     *     {@link #decode} in another JVM
     * @return closes the restoration, on the same thread, once the call or callback has ended
     */
    Scope restore(@Nullable T captured);

    /**
     * The form in which a captured value travels to worker processes and cluster members: a map
     * of strings (the MDC's map, W3C {@code traceparent}/{@code baggage} headers). Runs on the
     * engine's thread when the call is sent.
     *
     * @param captured the captured value, not null
     * @return the map, or null if this context does not leave this JVM (the default)
     */
    default @Nullable Map<String, String> encode(T captured) {
        return null;
    }

    /**
     * Rebuilds a value from {@link #encode}'s map, in the worker's JVM.
     *
     * @param carried the map that {@link #encode} returned
     * @return the value to {@link #restore}
     * @throws UnsupportedOperationException by default: only propagators that encode need to decode
     */
    default @Nullable T decode(Map<String, String> carried) {
        throw new UnsupportedOperationException("propagator '" + key() + "' does not decode carried context");
    }

    /**
     * The propagators installed in this JVM, found through {@link java.util.ServiceLoader} with
     * the thread's context class loader; for workers of other JVMs, and for pools that want every
     * installed one: {@code builder.propagate(ContextPropagator.installed())}. A provider that
     * cannot be loaded, or repeats a key, is logged and left out. Scans the class path on every
     * call: keep the result.
     *
     * @return the propagators, in the service loader's order
     */
    static List<ContextPropagator<?>> installed() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return installed(loader != null ? loader : ContextPropagator.class.getClassLoader());
    }

    /**
     * Same as {@link #installed()}, with the given class loader.
     *
     * @param loader where to look
     * @return the propagators
     * @throws NullPointerException if {@code loader} is null
     */
    static List<ContextPropagator<?>> installed(ClassLoader loader) {
        return Installed.load(Objects.requireNonNull(loader, "loader"));
    }

    /** What {@link #restore} returns: puts back what the thread had. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        /** A scope that does nothing. */
        Scope NONE = () -> {};

        /** Puts back what the thread had before {@link ContextPropagator#restore}; same thread. */
        @Override
        void close();
    }
}
