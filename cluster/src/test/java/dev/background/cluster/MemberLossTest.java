package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Members that die, vanish and come back: real worker JVMs on 127.0.0.1, each test its own cluster. */
class MemberLossTest {

    /**
     * Runs on a member: notes that task {@code i} started there, waits until the test says go
     * (so that every member surely holds tasks when one is killed), works a little, answers.
     */
    private static List<Long> noteAndSquare(String dir, String go, int i) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        Files.createFile(Path.of(dir, i + "-" + pid + "-" + System.nanoTime()));
        while (!Files.exists(Path.of(go))) {
            Thread.sleep(5);
        }
        Thread.sleep(2);
        return List.of((long) i * i, pid);
    }

    @Test
    void killingAMemberMidRunLosesNothingAndSettlesEveryFutureOnce(@TempDir Path dir) throws IOException {
        int count = 300;
        try (LocalCluster cluster = LocalCluster.builder().members(3).n(4).start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("kill-test")
                        .kind(cluster.kind())
                        .n(4)
                        .build()) {
            Map<Task<?>, Integer> settlements = new ConcurrentHashMap<>();
            pool.callback(t -> settlements.merge(t, 1, Integer::sum));
            Path started = Files.createDirectory(dir.resolve("started"));
            String d = started.toString();
            String go = dir.resolve("go").toString();
            var work = pool.task((Integer i) -> noteAndSquare(d, go, i));
            List<Task<List<Long>>> tasks =
                    IntStream.range(0, count).mapToObj(work::apply).toList();
            long victim = cluster.pid(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> startedOn(started, victim) == 4);

            cluster.kill(1);
            Files.createFile(Path.of(go));

            List<Long> ranOn = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<Long> r = tasks.get(i).result(Duration.ofMinutes(2));
                assertThat(r.get(0)).as("result of task %d", i).isEqualTo((long) i * i);
                ranOn.add(r.get(1));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> settlements.size() == count);
            assertThat(settlements.values()).as("each future settled once").allMatch(n -> n == 1);
            // The victim had tasks in hand when it died: they were sent again and answered elsewhere.
            long movedOn = IntStream.range(0, count)
                    .filter(i -> ranOn.get(i) != victim && startedOn(started, victim, i))
                    .count();
            assertThat(movedOn)
                    .as("tasks the killed member held (n = 4), answered by the others")
                    .isEqualTo(4);
            assertThat(ranOn).as("nothing answered by the killed member").doesNotContain(victim);
        }
    }

    private static long startedOn(Path dir, long pid) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains("-" + pid + "-"))
                    .count();
        }
    }

    private static boolean startedOn(Path dir, long pid, int task) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(task + "-" + pid + "-"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void whenEveryMemberIsGoneFuturesFailFastAndNewTasksFailAtOnce() {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("all-gone")
                        .n(2)
                        .kind(cluster.kindBuilder()
                                .memberWait(Duration.ofSeconds(2))
                                .build())
                        .build()) {
            var sleepy = pool.task((Integer ms) -> {
                Thread.sleep(ms);
                return ms;
            });
            assertThat(sleepy.apply(1).result(Duration.ofSeconds(30))).isEqualTo(1);
            List<Task<Integer>> tasks =
                    IntStream.range(0, 10).mapToObj(i -> sleepy.apply(60_000)).toList();

            cluster.kill(0);

            for (Task<Integer> t : tasks) {
                assertThat(t.exception(Duration.ofSeconds(30)))
                        .isInstanceOf(ClusterUnavailableException.class)
                        .hasMessageContaining(cluster.clusterName());
            }
            Task<Integer> late = sleepy.apply(1);
            assertThat(late.exception(Duration.ofSeconds(5)))
                    .as("submitted during the outage")
                    .isInstanceOf(ClusterUnavailableException.class);
        }
    }

    @Test
    void theClientReconnectsWhenAMemberComesBack() {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("reconnect")
                        .n(2)
                        .kind(cluster.kindBuilder()
                                .memberWait(Duration.ofSeconds(60))
                                .build())
                        .build()) {
            var pid = pool.task(() -> ProcessHandle.current().pid());
            long first = pid.call().result(Duration.ofSeconds(30));
            assertThat(first).isEqualTo(cluster.pid(0));

            cluster.kill(0);
            Task<Long> duringOutage = pid.call();
            cluster.restart(0);

            long second = cluster.pid(0);
            assertThat(second).isNotEqualTo(first);
            assertThat(duringOutage.result(Duration.ofSeconds(60)))
                    .as("queued during the outage, ran after")
                    .isEqualTo(second);
            assertThat(pid.call().result(Duration.ofSeconds(60))).isEqualTo(second);
        }
    }

    @Test
    void buildingAPoolWithNoWorkerFailsWithAClearError() {
        ClusterKind nowhere = ClusterKind.builder()
                .clusterName("nobody-" + ProcessHandle.current().pid())
                .members("127.0.0.1:1")
                .connectTimeout(Duration.ofSeconds(1))
                .build();

        assertThatThrownBy(() -> BackgroundPool.builder().kind(nowhere).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no background worker")
                .hasMessageContaining("background worker --cluster");
    }
}
