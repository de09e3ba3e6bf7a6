package dev.background.internal;

import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.context.ContextPropagator.Scope;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One task's captured context: the pool's propagators at submit time and what each captured.
 * Immutable once made (the values are the propagators' own, which they keep immutable), so the
 * worker, the callbacks' threads and a remote engine's sender may all read it.
 */
public final class Context {
    /** The propagators of the pool when the task was submitted; never empty. Shared, never written. */
    private final ContextPropagator<?>[] propagators;

    private final @Nullable Object[] values;

    private Context(ContextPropagator<?>[] propagators, @Nullable Object[] values) {
        this.propagators = propagators;
        this.values = values;
    }

    /**
     * Captures on the submitting thread.
     *
     * @param propagators the pool's propagators, not empty
     * @throws RuntimeException what a propagator's capture throws
     */
    static Context capture(ContextPropagator<?>[] propagators) {
        @Nullable Object[] values = new Object[propagators.length];
        for (int i = 0; i < propagators.length; i++) {
            values[i] = propagators[i].capture();
        }
        return new Context(propagators, values);
    }

    /**
     * Makes the captured context current on this thread.
     *
     * @return closes it again, logging (never throwing) a propagator's failure to
     * @throws RuntimeException what a propagator's restore throws, those restored before it closed
     */
    Scope restore() {
        Scope[] scopes = new Scope[propagators.length];
        int restored = 0;
        try {
            for (; restored < propagators.length; restored++) {
                scopes[restored] = restoreOne(propagators[restored], values[restored]);
            }
        } catch (RuntimeException | Error e) {
            closeAll(scopes, restored);
            throw e;
        }
        return scopeOf(scopes, restored);
    }

    /** For callbacks, which must run whatever happens: a failed restore is logged and nothing restored. */
    Scope restoreForCallbacks(Object task) {
        try {
            return restore();
        } catch (RuntimeException | Error e) {
            Log.warn("the context of " + task + " could not be restored for its callbacks; they run without it", e);
            return Scope.NONE;
        }
    }

    @SuppressWarnings("unchecked") // the value was captured by this very propagator
    private static <C extends @Nullable Object> Scope restoreOne(ContextPropagator<C> p, @Nullable Object value) {
        return Objects.requireNonNull(p.restore((C) value), "restore returned null");
    }

    /**
     * The form that travels to other JVMs: each encoding propagator's map, for the values that
     * were set. Empty (not null) when nothing travels, so that the worker still clears its own.
     *
     * @throws RuntimeException what a propagator's encode throws
     */
    CarriedContext carried() {
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        for (int i = 0; i < propagators.length; i++) {
            Object v = values[i];
            if (v != null) {
                Map<String, String> m = encodeOne(propagators[i], v);
                if (m != null) {
                    entries.put(propagators[i].key(), m);
                }
            }
        }
        return CarriedContext.of(entries);
    }

    @SuppressWarnings("unchecked") // the value was captured by this very propagator
    private static <C extends @Nullable Object> @Nullable Map<String, String> encodeOne(
            ContextPropagator<C> p, Object value) {
        return p.encode((C) value);
    }

    // ---------------------------------------------------------------- shared with CarriedContext

    /** One scope closing {@code scopes[0..count)} in reverse order. */
    public static Scope scopeOf(Scope[] scopes, int count) {
        return count == 0 ? Scope.NONE : () -> closeAll(scopes, count);
    }

    /** Closes {@code scopes[0..count)} in reverse order; a failure is logged and the others still close. */
    public static void closeAll(Scope[] scopes, int count) {
        for (int i = count - 1; i >= 0; i--) {
            try {
                scopes[i].close();
            } catch (RuntimeException | Error e) {
                Log.warn("a context propagator failed to put back the worker's context; the task keeps its outcome", e);
            }
        }
    }

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Logs, once per key, context carried here without a propagator to restore it. */
    public static void warnUnknownKeys(Collection<String> carried, List<? extends ContextPropagator<?>> here) {
        for (String key : carried) {
            if (here.stream().noneMatch(p -> p.key().equals(key)) && WARNED.add(key)) {
                Log.warn("context '" + key + "' arrived with a task, but no propagator with that key is installed"
                        + " in this JVM, so tasks run without it: put the propagator's module on this JVM's class"
                        + " path, listed in META-INF/services/" + ContextPropagator.class.getName());
            }
        }
    }

    /** Checks a pool's propagators: none null, keys distinct. */
    public static ContextPropagator<?>[] check(Collection<? extends ContextPropagator<?>> propagators) {
        Set<String> keys = new java.util.HashSet<>();
        ContextPropagator<?>[] a = new ContextPropagator<?>[propagators.size()];
        int i = 0;
        for (ContextPropagator<?> p : propagators) {
            Objects.requireNonNull(p, "propagators contains null");
            String key = Objects.requireNonNull(p.key(), "key of " + p);
            if (!keys.add(key)) {
                throw new IllegalArgumentException("two propagators with the key '" + key + "': " + propagators);
            }
            a[i++] = p;
        }
        return a;
    }
}
