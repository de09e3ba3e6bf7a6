package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.TaskTimings;
import dev.background.cluster.testing.LocalCluster;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Timings and member events on a cluster of two real worker JVMs. */
class ClusterObservationTest {

    @Test
    void timingsNameTheMemberAndMembersJoiningAndLeavingAreReported() {
        Queue<PoolEvent> events = new ConcurrentLinkedQueue<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void poolEvent(PoolEvent event) {
                if (event.pool().name().equals("cluster-watched")) {
                    events.add(event);
                }
            }
        };
        var all = BackgroundPool.addListenerToAllPools(listener);
        try (LocalCluster cluster = LocalCluster.builder().members(2).n(2).start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("cluster-watched")
                        .kind(cluster.kind())
                        .n(2)
                        .build()) {
            var square = pool.task((Integer i) -> i * i);
            List<Task<Integer>> tasks =
                    IntStream.range(0, 50).mapToObj(square::apply).toList();
            for (Task<Integer> t : tasks) {
                t.result(Duration.ofMinutes(1));
                TaskTimings timings = t.timings();
                assertThat(timings.where()).matches("[\\d.]+:\\d+");
                assertThat(timings.started()).isNotNull();
                Duration endMinusSubmit = Duration.between(timings.submitted(), timings.ended());
                assertThat(timings.total().minus(endMinusSubmit).abs()).isLessThanOrEqualTo(Duration.ofNanos(1_000));
            }
            Set<String> joined = events.stream()
                    .filter(e -> e.type() == PoolEvent.Type.MEMBER_JOINED)
                    .map(PoolEvent::worker)
                    .collect(Collectors.toSet());
            assertThat(joined)
                    .as("both members, reported while the pool connected")
                    .hasSize(2);
            assertThat(tasks.stream().map(t -> t.timings().where()).collect(Collectors.toSet()))
                    .isSubsetOf(joined);
            assertThat(events.peek().type()).as("OPENED comes first").isEqualTo(PoolEvent.Type.OPENED);

            cluster.kill(1);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> events.stream().anyMatch(e -> e.type() == PoolEvent.Type.MEMBER_LEFT));
        } finally {
            all.remove();
        }
    }
}
