package dev.background.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The same application with {@code background.kind=processes}, end to end over real HTTP: the
 * default pool is ten worker processes, each an instance of this application in worker mode, and
 * each {@code @Async} call of a request runs in one of them. The request with a trace id and a
 * user fans out 10 slow calls (1 s each, {@link SlowBackend}); they overlap (the last begins
 * before the first ends) and the response arrives in about one call's time; each call runs in
 * the request's OpenTelemetry trace; every line the workers log for it reaches this JVM's output,
 * prefixed with the worker, and carries the request's ids; health, the endpoint and the metrics
 * show the pool and its ten workers. A later request without ids finds none of them in the
 * workers.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "background.kind=processes",
            "background.n=10",
            "background.processes.eager=true",
            // Short-lived workers that mostly wait: C1 only and the serial collector halve their
            // start-up CPU (docs/processes.md). A system property reaches the workers' application:
            // each call waits 1 s, so the ten overlap however slowly a loaded machine sends them.
            "background.processes.jvm-options=-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Dexample.latency=1s"
        })
@ExtendWith(OutputCaptureExtension.class)
class FanOutOverProcessesTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    private static final Duration LATENCY = Duration.ofSeconds(1);

    /** Ten calls one after another take 10 s; at once, one call's 1 s plus the round trips. */
    private static final Duration ABOUT_ONE_CALL = LATENCY.multipliedBy(3);

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void waitForTheTenWorkersToHaveStartedTheApplication() {
        // Each worker starts the application before it reports ready; health counts the ready ones.
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> get("/actuator/health").contains("\"workers\":10"));
    }

    @Test
    void tenSlowCallsRunInTenWorkersAtOnceAndEveryWorkersLogLineCarriesTheRequestsIds(CapturedOutput output)
            throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url("/items?count=10"))
                        .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                        .header("X-User", "alice")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            // The worker's task thread: @Async is off in a worker, the call runs in the task.
            // ... inside the request's OpenTelemetry trace, which the call carried to its worker.
            assertThat(response.body())
                    .contains("item-" + i + " on background-worker/Lookups.lookUp(int) in trace " + TRACE_ID);
        }
        assertThat(took).as("the response time of 10 calls of %s", LATENCY).isLessThan(ABOUT_ONE_CALL);

        // All ten were running at one moment: the last began before the first ended (the workers'
        // log lines are stamped by the one clock of this machine).
        List<Instant> began = stamps(output, "looking up item");
        List<Instant> ended = stamps(output, "looked up item");
        assertThat(began).hasSize(10);
        assertThat(ended).hasSize(10);
        assertThat(Collections.max(began)).isBefore(Collections.min(ended));

        List<String> lines = workerLines(output);
        assertThat(lines)
                .hasSize(10)
                .allSatisfy(line ->
                        assertThat(line).startsWith("[default-worker-").contains("trace=" + TRACE_ID + " user=alice"));
        assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(']') + 1)).distinct())
                .as("the workers that logged")
                .hasSize(10);

        assertThat(get("/actuator/health"))
                .contains("\"kind\":\"processes\"")
                .contains("\"workers\":10")
                .contains("\"UP\"");
        assertThat(get("/actuator/background")).contains("\"default\"").contains("\"n\":10");
        assertThat(get("/actuator/metrics/background.pool.n?tag=pool:default")).contains("\"value\":10.0");
    }

    @Test
    void aRequestWithoutIdsLeavesNoIdsOfAnotherRequestInItsWorkers(CapturedOutput output) throws Exception {
        HttpResponse<String> alice = http.send(
                HttpRequest.newBuilder(url("/items?count=10"))
                        .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                        .header("X-User", "alice")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alice.statusCode()).isEqualTo(200);
        int before = workerLines(output).size();

        HttpResponse<String> anonymous =
                http.send(HttpRequest.newBuilder(url("/items?count=10")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).as("no trace is current in its calls").doesNotContain(" in trace ");
        List<String> lines = workerLines(output);
        assertThat(lines.subList(before, lines.size()))
                .hasSize(10)
                .allSatisfy(
                        line -> assertThat(line).doesNotContain(TRACE_ID).containsPattern("trace=[0-9a-f]{32} user=]"));
    }

    /** When the workers logged lines with {@code text}: each line is "[worker] timestamp ...". */
    private static List<Instant> stamps(CapturedOutput output, String text) {
        return output.getOut()
                .lines()
                .filter(l -> l.contains(text))
                .map(l -> Instant.parse(l.substring(l.indexOf(']') + 2).split(" ", 2)[0]))
                .toList();
    }

    /** What the workers logged as the calls began, as this JVM printed it. */
    private static List<String> workerLines(CapturedOutput output) {
        return output.getOut()
                .lines()
                .filter(l -> l.contains("looking up item"))
                .toList();
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
