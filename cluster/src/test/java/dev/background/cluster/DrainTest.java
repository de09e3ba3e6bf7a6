package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that leave gracefully (SIGTERM) and join mid-run. */
class DrainTest {

    @Test
    void aWorkerDrainedDuringAFloodOf20000TasksFailsNoneAndRunsNoneTwice(@TempDir Path dir) throws Exception {
        String ran = dir.resolve("ran.txt").toString();
        try (LocalCluster cluster = LocalCluster.builder().members(3).n(4).start();
                BackgroundPool pool =
                        BackgroundPool.builder().kind(cluster.kind()).n(4).build()) {
            var task = pool.task((Integer i) -> {
                // Every run leaves a line: a task run twice leaves two.
                Files.writeString(Path.of(ran), i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                // Mostly tiny tasks, and every 100th a long one, so that some run when the SIGTERM comes.
                Thread.sleep(i % 100 == 0 ? 500 : 1);
                return ProcessHandle.current().pid();
            });
            AtomicInteger done = new AtomicInteger();
            // Submitted from another thread, so that the SIGTERM below comes while it still submits.
            CompletableFuture<List<Task<Long>>> submitted = CompletableFuture.supplyAsync(
                    () -> IntStream.range(0, 20_000)
                            .mapToObj(i -> task.apply(i).onDone(t -> done.incrementAndGet()))
                            .toList(),
                    Executors.newVirtualThreadPerTaskExecutor());
            await().atMost(Duration.ofMinutes(2)).until(() -> done.get() >= 2_000);
            long drained = cluster.pid(1);
            int doneAtSigterm = done.get();

            cluster.stop(1); // SIGTERM, and waits for the worker to end

            Map<Long, Integer> perMember = new HashMap<>();
            for (Task<Long> t : submitted.get(2, TimeUnit.MINUTES)) {
                perMember.merge(t.result(Duration.ofMinutes(2)), 1, Integer::sum);
            }
            List<String> lines = Files.readAllLines(Path.of(ran));
            Set<String> distinct = new HashSet<>(lines);

            assertThat(doneAtSigterm)
                    .as("the worker was told to leave during the flood")
                    .isLessThan(20_000);
            assertThat(perMember).containsKey(drained);
            assertThat(lines).as("runs").hasSize(20_000);
            assertThat(distinct).as("distinct tasks run").hasSize(20_000);
        }
    }

    @Test
    void aWorkerThatJoinsMidRunGetsWorkWithinASecond() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().members(2).n(2).start();
                BackgroundPool pool =
                        BackgroundPool.builder().kind(cluster.kind()).n(2).build()) {
            cluster.stop(1);
            var task = pool.task((Integer i) -> {
                long began = System.currentTimeMillis();
                Thread.sleep(20);
                return List.of(ProcessHandle.current().pid(), began);
            });
            // More work than the one member left can finish while the other restarts: 6,000 tasks
            // of 20 ms are a minute's work for its 2 threads, while a restart takes seconds. (It was
            // 20,000, submitted and then cancelled for nothing: 4 s of the test under load.)
            AtomicLong firstOnNewcomer = new AtomicLong(Long.MAX_VALUE);
            AtomicLong newcomer = new AtomicLong(-1);
            for (int i = 0; i < 6_000; i++) {
                task.apply(i).onDone(t -> {
                    if (!t.isCancelled() && t.exception() == null && t.result().get(0) == newcomer.get()) {
                        firstOnNewcomer.accumulateAndGet(t.result().get(1), Math::min);
                    }
                });
            }

            cluster.restart(1); // returns once the worker has printed its ready line
            long joined = System.currentTimeMillis();
            newcomer.set(cluster.pid(1));

            await().atMost(Duration.ofSeconds(30)).until(() -> firstOnNewcomer.get() != Long.MAX_VALUE);
            pool.shutdownNow();
            assertThat(firstOnNewcomer.get() - joined)
                    .as("ms from the newcomer's ready line to its first task")
                    .isLessThan(1_000);
        }
    }
}
