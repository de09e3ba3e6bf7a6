package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The library logs through {@link System.Logger} under {@code dev.background.*} and changes no
 * global logging: neither a member started in this JVM nor a pool's client touches the levels of
 * Hazelcast's loggers, which are the application's to set.
 */
class LoggingTest {

    /** Regression: the engine and the worker set com.hazelcast to WARNING and com.hazelcast.client to SEVERE. */
    @Test
    void aWorkerAndAPoolInThisJvmChangeNoLogLevel() throws IOException {
        String[] hazelcastLoggers = {"com.hazelcast", "com.hazelcast.client"};
        for (String name : hazelcastLoggers) {
            assertThat(Logger.getLogger(name).getLevel())
                    .as("level of %s before", name)
                    .isNull();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            port = s.getLocalPort();
        }
        String cluster = "logging-" + UUID.randomUUID();

        try (ClusterWorker worker = ClusterWorker.builder()
                        .clusterName(cluster)
                        .members("127.0.0.1:" + port)
                        .port(port)
                        .n(1)
                        .start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("logging")
                        .n(1)
                        .kind(ClusterKind.builder()
                                .clusterName(cluster)
                                .members(worker.address())
                                .build())
                        .build()) {
            assertThat(pool.task(() -> "ran").call().result(Duration.ofSeconds(60)))
                    .isEqualTo("ran");
            assertThat(worker)
                    .hasToString("member 127.0.0.1:" + port + " of cluster '" + cluster + "', n=1, pid="
                            + ProcessHandle.current().pid());

            for (String name : hazelcastLoggers) {
                Logger logger = Logger.getLogger(name); // JUL holds loggers weakly: take it anew
                assertThat(logger.getLevel()).as("level of %s", name).isNull();
            }
        }
    }
}
