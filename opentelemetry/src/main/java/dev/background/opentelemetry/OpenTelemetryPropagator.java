package dev.background.opentelemetry;

import dev.background.context.ContextPropagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Carries the OpenTelemetry {@link Context} (the current span, baggage, and whatever else
 * instrumentation put in it) from the submitting thread to the task: {@code Context.current()} at
 * submit time, made current on the worker for the call and the task's callbacks (the root context
 * if the submitter had none), then the worker's own back. So spans a task starts are children of
 * the submitter's span, and its log lines carry the request's trace id.
 *
 * <pre>{@code
 * var pool = BackgroundPool.builder().propagate(new OpenTelemetryPropagator()).build();
 * try (Scope s = span.makeCurrent()) {
 *     pool.run(() -> render(page));        // runs inside span's trace, wherever it runs
 * }
 * }</pre>
 *
 * <p>To worker processes and cluster members the context travels in its W3C form: the
 * {@code traceparent} and {@code tracestate} headers and {@code baggage}, and nothing else (other
 * entries of the context cannot cross a JVM boundary). This module is installed as a service, so
 * a worker with it on its class path restores them there.
 */
public final class OpenTelemetryPropagator implements ContextPropagator<Context> {
    /** The key of this propagator: {@value}. */
    public static final String KEY = "opentelemetry";

    private static final TextMapPropagator W3C =
            TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** A propagator; all instances behave alike. Public for {@link java.util.ServiceLoader}. */
    public OpenTelemetryPropagator() {}

    @Override
    public String key() {
        return KEY;
    }

    /** The submitting thread's current context, or null if it is the root context. */
    @Override
    public @Nullable Context capture() {
        Context current = Context.current();
        return Context.root().equals(current) ? null : current;
    }

    /** Makes the captured context current (the root one for null); the scope closes it again. */
    @Override
    @SuppressWarnings("MustBeClosedChecker") // handed to the caller, which closes it on this thread after the call
    public Scope restore(@Nullable Context captured) {
        io.opentelemetry.context.Scope scope = (captured == null ? Context.root() : captured).makeCurrent();
        return scope::close;
    }

    /** The W3C headers {@code traceparent}, {@code tracestate} and {@code baggage}, for what is set. */
    @Override
    public @Nullable Map<String, String> encode(Context captured) {
        Map<String, String> headers = new HashMap<>();
        W3C.inject(captured, headers, (carrier, k, v) -> {
            if (carrier != null) {
                carrier.put(k, v);
            }
        });
        return headers.isEmpty() ? null : headers;
    }

    /** The context of the W3C headers, over the root context. */
    @Override
    public Context decode(Map<String, String> carried) {
        return W3C.extract(Context.root(), carried, GETTER);
    }

    @Override
    public String toString() {
        return "OpenTelemetryPropagator";
    }
}
