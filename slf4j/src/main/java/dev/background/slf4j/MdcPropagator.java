package dev.background.slf4j;

import dev.background.context.ContextPropagator;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Carries SLF4J's {@link MDC} from the submitting thread to the task, so that a task's log lines
 * carry the request's ids on every kind: a copy of the MDC map at submit time; on the worker, that
 * map in place of the worker's (an empty MDC if the submitter had none) for the call and the
 * task's callbacks, then the worker's own back. The map travels to worker processes and cluster
 * members as it is (strings); this module is installed as a service, so a worker with it on its
 * class path restores it.
 *
 * <pre>{@code
 * var pool = BackgroundPool.builder().propagate(new MdcPropagator()).build();
 * MDC.put("requestId", "r-42");
 * pool.run(() -> log.info("working"));     // logged with requestId=r-42, wherever it runs
 * }</pre>
 *
 * <p>Costs a copy of the MDC map per submit and two {@code setContextMap} per call; nothing when
 * the MDC is empty at submit and the worker's is empty too. Entries with a null value are dropped
 * on their way to another JVM.
 */
public final class MdcPropagator implements ContextPropagator<Map<String, String>> {
    /** The key of this propagator: {@value}. */
    public static final String KEY = "slf4j-mdc";

    /** A propagator; all instances behave alike. Public for {@link java.util.ServiceLoader}. */
    public MdcPropagator() {}

    @Override
    public String key() {
        return KEY;
    }

    /** A copy of the submitting thread's MDC map, or null if it is empty. */
    @Override
    public @Nullable Map<String, String> capture() {
        Map<String, String> map = MDC.getCopyOfContextMap();
        return map == null || map.isEmpty() ? null : map;
    }

    /** Sets the captured map as the MDC (clears it for null); the scope puts back the worker's map. */
    @Override
    public Scope restore(@Nullable Map<String, String> captured) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        set(captured);
        return () -> set(previous);
    }

    private static void set(@Nullable Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(map);
        }
    }

    /** The map itself, without null values. */
    @Override
    public Map<String, String> encode(Map<String, String> captured) {
        Map<String, String> copy = new HashMap<>();
        captured.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    @Override
    public Map<String, String> decode(Map<String, String> carried) {
        return carried;
    }

    @Override
    public String toString() {
        return "MdcPropagator";
    }
}
