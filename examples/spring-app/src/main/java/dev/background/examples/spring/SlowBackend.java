package dev.background.examples.spring;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Stands for a remote call that takes {@code example.latency} (200 ms by default) to answer; says
 * which thread waited for it, and in which OpenTelemetry trace: the one a traced client would send
 * the backend in its {@code traceparent} header (none if no trace is current).
 */
@Component
class SlowBackend implements Backend {

    private final Duration latency;

    SlowBackend(@Value("${example.latency:200ms}") Duration latency) {
        this.latency = latency;
    }

    @Override
    public String lookUp(int item) throws InterruptedException {
        Thread.sleep(latency); // the remote call's latency, not synchronisation
        SpanContext trace = Span.current().getSpanContext();
        return "item-" + item + " on " + Thread.currentThread().getName()
                + (trace.isValid() ? " in trace " + trace.getTraceId() : "");
    }
}
