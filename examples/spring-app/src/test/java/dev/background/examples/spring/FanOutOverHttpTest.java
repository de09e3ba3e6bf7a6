package dev.background.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The example end to end over real HTTP: a request with a trace id and an MDC value fans out 10
 * calls through {@code @Async}; they overlap (each waits for all ten to have started, so a pool
 * that ran fewer at once would fail the request); every call's log line carries the request's ids;
 * the metrics, health and background endpoints show the pool.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FanOutOverHttpTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger lookupsLogger = (Logger) LoggerFactory.getLogger(Lookups.class);

    /** A backend whose every call waits until ten calls are in at once: they must overlap. */
    @TestConfiguration
    static class AllTogether {
        @Bean
        @Primary
        Backend gatedBackend() {
            // Trips, and resets, each time ten calls are waiting at once.
            CyclicBarrier ten = new CyclicBarrier(10);
            return item -> {
                try {
                    ten.await(30, TimeUnit.SECONDS);
                } catch (BrokenBarrierException | TimeoutException e) {
                    throw new IllegalStateException("the 10 calls did not overlap", e);
                }
                return "item-" + item + " on " + Thread.currentThread().getName();
            };
        }
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        lookupsLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        lookupsLogger.detachAppender(logs);
    }

    @Test
    void tenSlowCallsOverlapAndEveryLogLineCarriesTheRequestsIds() throws Exception {
        fanOutAsAlice();

        // The pool, as the application's monitoring sees it.
        String health = get("/actuator/health");
        assertThat(health)
                .contains("\"background\"")
                .contains("\"kind\":\"virtual-threads\"")
                .contains("\"UP\"");
        String pools = get("/actuator/background");
        assertThat(pools).contains("\"default\"").contains("\"n\":100").contains("\"recentFailures\"");
        String pending = get("/actuator/metrics/background.pool.pending?tag=pool:default");
        assertThat(pending).contains("\"name\":\"background.pool.pending\"").contains("\"value\":0.0");
        assertThat(get("/actuator/metrics/background.pool.n?tag=pool:default")).contains("\"value\":100.0");
    }

    private void fanOutAsAlice() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url("/items?count=10"))
                        .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                        .header("X-User", "alice")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            assertThat(response.body()).contains("item-" + i + " on background-default-");
        }
        List<ILoggingEvent> lines = logs.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("looking up item"))
                .toList();
        assertThat(lines).hasSize(10);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getThreadName()).startsWith("background-default-");
            assertThat(line.getMDCPropertyMap())
                    .containsEntry("traceId", TRACE_ID)
                    .containsEntry("user", "alice");
        });
    }

    @Test
    void aRequestWithoutIdsLeavesNoIdsOfAnotherRequestInItsCalls() throws Exception {
        fanOutAsAlice();
        logs.list.clear();
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(url("/items?count=10")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<ILoggingEvent> lines = logs.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("looking up item"))
                .toList();
        assertThat(lines).hasSize(10).allSatisfy(line -> {
            assertThat(line.getMDCPropertyMap()).doesNotContainKey("user");
            assertThat(line.getMDCPropertyMap().get("traceId"))
                    .isNotEqualTo(TRACE_ID)
                    .isNotBlank();
        });
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
