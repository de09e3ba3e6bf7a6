package dev.background.context;

import dev.background.context.ContextPropagator.Scope;
import dev.background.internal.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task's captured context in the form that travels to another JVM: for each propagator that
 * {@linkplain ContextPropagator#encode encodes}, its key and its map of strings. Immutable. For
 * authors of executor kinds that run tasks elsewhere: send {@link #entries()} with the call (see
 * {@link dev.background.spi.Job#carriedContext()}), rebuild it there with {@link #of}, and run the
 * call inside {@link #restore}.
 */
public final class CarriedContext {
    /** No context: restoring it clears every installed propagator's context for the call. */
    public static final CarriedContext EMPTY = new CarriedContext(Map.of());

    private final Map<String, Map<String, String>> entries;

    private CarriedContext(Map<String, Map<String, String>> entries) {
        this.entries = entries;
    }

    /**
     * A carried context with these entries (copied).
     *
     * @param entries for each propagator key, its encoded map
     * @return the carried context
     * @throws NullPointerException if {@code entries}, or a key or value in it, is null
     */
    public static CarriedContext of(Map<String, Map<String, String>> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return EMPTY;
        }
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        return new CarriedContext(java.util.Collections.unmodifiableMap(copy));
    }

    /**
     * For each propagator key, its encoded map, in capture order.
     *
     * @return an unmodifiable map
     */
    public Map<String, Map<String, String>> entries() {
        return entries;
    }

    /**
     * On the thread that runs the call, in the worker's JVM: restores, with each of
     * {@code propagators}, its carried value (decoded), or none if nothing was carried under its
     * key, so that the call sees its submitter's context and nothing else. A key carried without
     * a propagator here is logged once and skipped. Close the returned scope, on the same thread,
     * when the call has ended: it puts back what the thread had, logging (never throwing) a
     * propagator that fails to.
     *
     * @param propagators the propagators installed here, usually {@link ContextPropagator#installed()}
     * @return the scope to close after the call
     * @throws NullPointerException if {@code propagators} is null
     * @throws RuntimeException what a propagator's {@code decode} or {@code restore} throws, the
     *     ones restored before it closed again: fail the task with it, and do not run the call
     */
    public Scope restore(List<? extends ContextPropagator<?>> propagators) {
        Objects.requireNonNull(propagators, "propagators");
        Context.warnUnknownKeys(entries.keySet(), propagators);
        Scope[] scopes = new Scope[propagators.size()];
        int restored = 0;
        try {
            for (ContextPropagator<?> p : propagators) {
                scopes[restored] = restoreOne(p, entries.get(p.key()));
                restored++;
            }
        } catch (RuntimeException | Error e) {
            Context.closeAll(scopes, restored);
            throw e;
        }
        return Context.scopeOf(scopes, restored);
    }

    private static <C extends @Nullable Object> Scope restoreOne(
            ContextPropagator<C> p, @Nullable Map<String, String> carried) {
        C value = carried == null ? null : p.decode(carried);
        return Objects.requireNonNull(p.restore(value), "restore returned null");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof CarriedContext c && c.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "CarriedContext" + entries;
    }
}
