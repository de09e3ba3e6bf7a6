package dev.background.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code background worker} as a supervisor sees it: one process, whose PID the ready line names. */
class WorkerProcessTest {

    @Test
    void killMinus9OfTheWorkerCommandLeavesNoMemberBehind() throws Exception {
        int port = freePort();
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Started as a user would start it without the jar's manifest: no --add-opens given.
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BackgroundCommand.class.getName(),
                        "worker",
                        "--cluster",
                        "orphan-test-" + ProcessHandle.current().pid(),
                        "--members",
                        "127.0.0.1:" + port,
                        "--port",
                        String.valueOf(port),
                        "--n",
                        "1",
                        "--hazelcast-logging",
                        "none"))
                .redirectErrorStream(true)
                .start();
        try {
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("background worker ready: ")) {
                            ready.complete(line);
                        }
                    }
                } catch (IOException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("the worker ended before it was ready"));
            });
            String line = ready.get(2, TimeUnit.MINUTES);
            Matcher pid = Pattern.compile("pid=(\\d+)").matcher(line);

            assertThat(pid.find()).as(line).isTrue();
            assertThat(Long.parseLong(pid.group(1)))
                    .as("the ready line names the process that was started")
                    .isEqualTo(p.pid());
            assertThat(p.descendants().toList()).as("no child JVM").isEmpty();
            assertThat(listening(port)).isTrue();

            p.destroyForcibly(); // SIGKILL: no shutdown hook runs

            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(3)).until(() -> !listening(port));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
