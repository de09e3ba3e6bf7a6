package dev.background.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.dashboard.chrome.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard over plain HTTP: where it listens, who it serves, what its stream carries. */
class DashboardTest {
    private BackgroundPool pool;

    @BeforeEach
    void pool() {
        pool = BackgroundPool.builder().name("p").n(1).build();
    }

    @AfterEach
    void close() {
        pool.close();
    }

    /** One HTTP/1.1 request on a raw socket (so that any Host header can be sent); the response's head and body. */
    private static String get(int port, String target, String host, String... headers) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String h : headers) {
                request.append(h).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String status(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    @Test
    void listensOnLoopbackWithoutATokenByDefault() throws IOException {
        try (Dashboard d = Dashboard.builder().pool(pool).start()) {
            assertThat(d.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(d.token()).isEmpty();
            assertThat(d.uri().toString())
                    .isEqualTo("http://127.0.0.1:" + d.address().getPort() + "/");
            String page =
                    get(d.address().getPort(), "/", "127.0.0.1:" + d.address().getPort());
            assertThat(status(page)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(page)
                    .containsIgnoringCase("content-security-policy: default-src 'none'; script-src 'self'")
                    .contains("<script src=\"dashboard.js\" defer></script>");
            assertThat(status(get(d.address().getPort(), "/dashboard.js", "localhost")))
                    .endsWith("200 OK");
            assertThat(status(get(d.address().getPort(), "/nothing", "localhost")))
                    .endsWith("404 Not Found");
        }
    }

    @Test
    void onLoopbackRefusesRequestsThatNameAnotherHost() throws IOException {
        try (Dashboard d = Dashboard.builder().pool(pool).start()) {
            // A page of evil.example whose name was rebound to 127.0.0.1 sends this.
            String response = get(
                    d.address().getPort(), "/", "evil.example:" + d.address().getPort());
            assertThat(status(response)).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(status(get(d.address().getPort(), "/events", "evil.example")))
                    .endsWith("403 Forbidden");
        }
    }

    @Test
    void offLoopbackGeneratesAndLogsATokenAndRequiresIt() throws IOException {
        List<LogRecord> logged = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.background.dashboard");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        try (Dashboard d = Dashboard.builder().pool(pool).host("0.0.0.0").start()) {
            String token = d.token().orElseThrow();
            assertThat(token).matches("[A-Za-z0-9_-]{43}");
            assertThat(d.uri().toString()).endsWith(":" + d.address().getPort() + "/?token=" + token);
            assertThat(logged)
                    .anySatisfy(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO))
                    .anySatisfy(r -> assertThat(r.getMessage()).contains(d.uri().toString()));

            int port = d.address().getPort();
            assertThat(status(get(port, "/", "dash.example"))).endsWith("401 Unauthorized");
            assertThat(status(get(port, "/events", "dash.example"))).endsWith("401 Unauthorized");
            assertThat(status(get(port, "/dashboard.js", "dash.example"))).endsWith("401 Unauthorized");
            assertThat(status(get(port, "/?token=" + token.substring(1), "dash.example")))
                    .endsWith("401 Unauthorized");
            String first = get(port, "/?token=" + token, "dash.example");
            assertThat(status(first)).endsWith("200 OK");
            assertThat(first)
                    .containsIgnoringCase("set-cookie: background-dashboard-" + port + "=" + token
                            + "; Path=/; HttpOnly; SameSite=Strict");
            assertThat(status(get(
                            port,
                            "/dashboard.css",
                            "dash.example",
                            "Cookie: background-dashboard-" + port + "=" + token)))
                    .endsWith("200 OK");
            assertThat(status(get(port, "/", "dash.example", "Authorization: Bearer " + token)))
                    .endsWith("200 OK");
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void aGivenTokenIsRequiredOnLoopbackToo() throws IOException {
        String token = "my-own-token-0123456789";
        try (Dashboard d = Dashboard.builder().pool(pool).token(token).start()) {
            assertThat(d.token()).contains(token);
            assertThat(d.uri().getQuery()).isEqualTo("token=" + token);
            assertThat(status(get(d.address().getPort(), "/", "localhost"))).endsWith("401 Unauthorized");
            assertThat(status(get(d.address().getPort(), "/?token=" + token, "localhost")))
                    .endsWith("200 OK");
        }
    }

    @Test
    void theStreamStartsWithAHelloThenTicksAndEndsWhenTheDashboardCloses() throws IOException {
        Dashboard d = Dashboard.builder().pool(pool).start();
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), d.address().getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            List<String> data = new ArrayList<>();
            String line;
            while (data.size() < 2 && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
            Map<String, Object> hello = JsonReader.object(data.get(0));
            Map<String, Object> tick = JsonReader.object(data.get(1));
            assertThat(hello).containsEntry("type", "hello");
            assertThat(tick)
                    .containsEntry("type", "tick")
                    .containsKeys("state", "series", "bars", "failures", "events");
            d.close();
            // The stream ends: the server closes it (the chunked body's end, then nothing).
            while ((line = in.readLine()) != null) {
                assertThat(line).doesNotStartWith("data: {\"type\":\"hello\"");
            }
        } finally {
            d.close();
        }
    }

    @Test
    void servesAtMost32PagesAtOnce() throws IOException {
        List<Socket> pages = new ArrayList<>();
        try (Dashboard d = Dashboard.builder().pool(pool).start()) {
            int port = d.address().getPort();
            for (int i = 0; i < 32; i++) {
                Socket page = new Socket(InetAddress.getLoopbackAddress(), port);
                pages.add(page);
                page.setSoTimeout(20_000);
                page.getOutputStream()
                        .write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(page.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            }
            assertThat(status(get(port, "/events", "localhost"))).isEqualTo("HTTP/1.1 503 Service Unavailable");
            assertThat(status(get(port, "/", "localhost"))).isEqualTo("HTTP/1.1 200 OK");
        } finally {
            for (Socket page : pages) {
                page.close();
            }
        }
    }

    @Test
    void itsThreadsAreDaemonsSoAnOpenDashboardDoesNotKeepTheJvmAlive() throws IOException {
        try (Dashboard d = Dashboard.builder().pool(pool).start()) {
            assertThat(status(get(d.address().getPort(), "/", "localhost"))).endsWith("200 OK");
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("HTTP-Dispatcher")
                            || t.getName().startsWith("background-dashboard"))
                    .toList();
            assertThat(threads).extracting(Thread::getName).contains("HTTP-Dispatcher", "background-dashboard-ticker");
            assertThat(threads)
                    .allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue());
        }
    }

    @Test
    void theBuilderChecksItsArguments() {
        Dashboard.Builder b = Dashboard.builder();
        assertThatThrownBy(() -> b.pool(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("pool");
        assertThatThrownBy(() -> b.host(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("host");
        assertThatThrownBy(() -> b.token(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("token");
        assertThatThrownBy(() -> b.host(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.port(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> b.port(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.token("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16");
        assertThatThrownBy(() -> b.token("sixteen chars with spaces")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(b::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("pool");
    }

    @Test
    void aTakenPortIsAClearError() {
        try (Dashboard first = Dashboard.builder().pool(pool).start()) {
            int port = first.address().getPort();
            assertThatThrownBy(() -> Dashboard.builder().pool(pool).port(port).start())
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("could not listen on")
                    .hasMessageContaining(String.valueOf(port));
        }
    }

    @Test
    void allPoolsShowsPoolsBuiltLaterAndForgetsThemOnceTerminated() throws Exception {
        try (Dashboard d = Dashboard.builder().allPools().start()) {
            BackgroundPool later =
                    BackgroundPool.builder().name("later-pool").n(1).build();
            later.task(() -> 1).named("one").call().result();
            String events = streamUntil(d.address().getPort(), "\"name\":\"later-pool\"");
            assertThat(events).contains("\"pool\":\"later-pool\",\"name\":\"one\"");
            later.close();
            String after = streamUntil(d.address().getPort(), "\"type\":\"tick\"");
            assertThat(after).doesNotContain("{\"name\":\"later-pool\"");
        }
    }

    /** Reads the event stream until a tick whose data contains {@code text}; returns that data line. */
    private static String streamUntil(int port, String text) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: {\"type\":\"tick\"") && line.contains(text)) {
                    return line;
                }
            }
            throw new AssertionError("the stream ended before a tick with " + text);
        }
    }
}
