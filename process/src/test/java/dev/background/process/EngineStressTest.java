package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine under concurrent submits, cancels and worker deaths at once: every task ends, and
 * every task that was not cancelled has the right result.
 */
class EngineStressTest {
    private record Sub(int i, Task<Long> task, boolean cancelled) {}

    @TempDir
    Path dir;

    @Test
    void concurrentSubmittersCancelsAndDyingWorkersLoseNoTaskAndMixNoResult() throws Exception {
        String markers = dir.toString();
        try (var pool = BackgroundPool.builder()
                .name("stress")
                .n(2)
                .kind(ProcessKind.builder().retriesOnWorkerDeath(1).prefetch(4).build())
                .build()) {
            var f = pool.task((Integer i) -> {
                if (i % 700 == 13) { // dies the first time, succeeds when retried
                    Path m = Path.of(markers, "died-" + i);
                    if (!Files.exists(m)) {
                        Files.writeString(m, "x");
                        Runtime.getRuntime().halt(7);
                    }
                }
                return i * 3L;
            });
            int threads = 4, perThread = 1_500;
            ConcurrentLinkedQueue<Sub> all = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = base; i < base + perThread; i++) {
                        Task<Long> task = f.apply(i);
                        boolean cancelled = ThreadLocalRandom.current().nextInt(20) == 0 && task.cancel(true);
                        all.add(new Sub(i, task, cancelled));
                    }
                }));
            }
            go.countDown();
            for (Thread s : submitters) {
                s.join();
            }
            assertThat(all).hasSize(threads * perThread);
            int cancelledCount = 0;
            for (Sub sub : all) {
                if (sub.cancelled()) {
                    cancelledCount++;
                    assertThat(sub.task().isCancelled()).isTrue();
                } else {
                    assertThat(sub.task().result(Duration.ofMinutes(2)))
                            .as("task %d", sub.i())
                            .isEqualTo(sub.i() * 3L);
                }
            }
            assertThat(cancelledCount).as("some tasks were cancelled").isPositive();
            assertThat(pool.task(() -> "alive").call().result()).isEqualTo("alive");
        }
    }
}
