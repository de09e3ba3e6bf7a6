package dev.background.examples.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the request's ids in the logging context (SLF4J MDC): {@code traceId} from a W3C
 * {@code traceparent} header (or a new one), and {@code user} from {@code X-User}. Every log line
 * of the request carries them, including those of its {@code @Async} calls, on the pool's threads or
 * in its worker processes ({@code background.propagators=slf4j-mdc} in application.properties).
 */
@Component
class RequestIds extends OncePerRequestFilter {

    @Override
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
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove("traceId");
            MDC.remove("user");
        }
    }
}
