package dev.background.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.process.ProcessKind;
import dev.background.testkit.PoolsPerKind;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trace (and baggage) current on the submitting thread is current in the task, wherever it
 * runs (across JVMs as W3C traceparent and baggage), and in its callback; no other request's trace
 * ever shows, with many threads submitting at once.
 */
@SuppressWarnings("try") // a scope that makes a context current is used only by being open
class TraceOnEveryKindTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final PoolsPerKind pools = new PoolsPerKind("otel", new OpenTelemetryPropagator())
            .kind("processes", () -> ProcessKind.builder().build())
            .shared("cluster", () -> LocalCluster.builder().members(1).n(4).start(), LocalCluster::kind);

    /** A request's context: a sampled remote span with a random trace id, and a baggage entry. */
    private static Context request(String user) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String traceId = String.format("%016x%016x", r.nextLong() | 1, r.nextLong());
        String spanId = String.format("%016x", r.nextLong() | 1);
        Span span = Span.wrap(
                SpanContext.createFromRemoteParent(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
        return Context.root()
                .with(span)
                .with(Baggage.builder().put("user", user).build());
    }

    /** What the running task sees: its trace id and its baggage's user. */
    static String seen() {
        return Span.current().getSpanContext().getTraceId() + " user="
                + Baggage.current().getEntryValue("user");
    }

    private static String expected(Context c) {
        return Span.fromContext(c).getSpanContext().getTraceId() + " user="
                + Baggage.fromContext(c).getEntryValue("user");
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual", "processes", "cluster"})
    void theSubmittersTraceIsCurrentInTheTaskAndItsCallback(String kind) throws Exception {
        BackgroundPool pool = pools.pool(kind);
        Context request = request("ada");
        Task<String> t;
        var callbackSaw = new CompletableFuture<String>();
        try (Scope s = request.makeCurrent()) {
            t = pool.run(TraceOnEveryKindTest::seen);
        }
        t.onDone(done -> callbackSaw.complete(seen()));
        assertThat(t.result(PATIENCE)).isEqualTo(expected(request));
        assertThat(callbackSaw.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(expected(request));
        assertThat(pool.run(TraceOnEveryKindTest::seen).result(PATIENCE))
                .as("a task submitted outside any trace runs in none")
                .isEqualTo(expected(Context.root()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual", "processes", "cluster"})
    void manyRequestsAtOnceEachSeeOnlyTheirOwnTrace(String kind) throws Exception {
        BackgroundPool pool = pools.pool(kind);
        int submitters = 6, each = kind.equals("threads") || kind.equals("virtual") ? 40 : 8;
        var wrong = new ConcurrentLinkedQueue<String>();
        var done = new CountDownLatch(submitters * each);
        var go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int submitter = s;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < each; i++) {
                    Context request = request("user-" + submitter + "-" + i);
                    String want = expected(request);
                    try (Scope scope = request.makeCurrent()) {
                        pool.run(TraceOnEveryKindTest::seen).onDone(task -> {
                            if (!want.equals(task.result())) {
                                wrong.add(want + " ran as " + task.result());
                            }
                            if (!want.equals(seen())) {
                                wrong.add(want + "'s callback saw " + seen());
                            }
                            done.countDown();
                        });
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(wrong).isEmpty();
    }
}
