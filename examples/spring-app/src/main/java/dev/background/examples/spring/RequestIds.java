package dev.background.examples.spring;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the request's ids in the logging context (SLF4J MDC): {@code traceId} from a W3C
 * {@code traceparent} header (or a new one), and {@code user} from {@code X-User}. Every log line
 * of the request carries them, including those of its {@code @Async} calls, on the pool's threads or
 * in its worker processes ({@code background.propagators=slf4j-mdc} in application.properties).
 *
 * <p>It also makes the {@code traceparent}'s trace the current OpenTelemetry context, as the
 * OpenTelemetry Java agent does for each request (when no instrumentation did, so that it never
 * replaces the agent's span); {@code background.propagators=opentelemetry} carries it to the
 * {@code @Async} calls, where {@link SlowBackend} reads it as a traced client would.
 */
@Component
class RequestIds extends OncePerRequestFilter {

    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest request) {
            return Collections.list(request.getHeaderNames());
        }

        @Override
        public @Nullable String get(@Nullable HttpServletRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    @Override
    @SuppressWarnings("try") // the scope is there for what it makes current, not to be read
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String traceparent = request.getHeader("traceparent");
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        String traceId =
                parts.length == 4 ? parts[1] : UUID.randomUUID().toString().replace("-", "");
        MDC.put("traceId", traceId);
        String user = request.getHeader("X-User");
        if (user != null) {
            MDC.put("user", user);
        }
        Context context = Span.current().getSpanContext().isValid()
                ? Context.current()
                : W3CTraceContextPropagator.getInstance().extract(Context.current(), request, HEADERS);
        try (Scope ignored = context.makeCurrent()) {
            chain.doFilter(request, response);
        } finally {
            MDC.remove("traceId");
            MDC.remove("user");
        }
    }
}
