package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Guards that a terminated threads-kind pool lets its threads go at once, rather than leaving them
 * idle until their keep-alive runs out: the engine shuts its thread cache down on termination.
 */
class PoolThreadsEndAtTerminationTest {

    private static long threadsOf(String poolName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("background-" + poolName + "-"))
                .filter(Thread::isAlive)
                .count();
    }

    @Test
    void aClosedPoolsWorkerThreadsEndWellBeforeTheirKeepAlive() throws Exception {
        String name = "ends-at-termination";
        var pool = BackgroundPool.builder().name(name).threads().n(2).build();
        for (int i = 0; i < 4; i++) {
            assertThat(pool.run(() -> 1).result()).isEqualTo(1);
        }
        assertThat(threadsOf(name)).as("workers started").isPositive();

        pool.close();

        assertThat(pool.isTerminated()).isTrue();
        // The keep-alive of an idle worker is 60 s; a third of it is ample for a shut-down one.
        await().atMost(Duration.ofSeconds(20)).until(() -> threadsOf(name) == 0);
    }
}
