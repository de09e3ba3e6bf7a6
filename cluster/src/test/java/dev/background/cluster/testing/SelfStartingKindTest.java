package dev.background.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The demo's kind: each pool starts two worker JVMs and stops them when it closes. */
class SelfStartingKindTest {

    @Test
    void aPoolStartsItsWorkersAndStopsThemWhenClosed() {
        long self = ProcessHandle.current().pid();
        List<Long> pids;
        try (BackgroundPool pool =
                BackgroundPool.builder().kind(LocalCluster.selfStarting(2, 2)).build()) {
            var pid = pool.task((Integer i) -> {
                Thread.sleep(100);
                return ProcessHandle.current().pid();
            });
            List<Task<Long>> tasks = IntStream.range(0, 8).mapToObj(pid::apply).toList();
            pids = tasks.stream()
                    .map(t -> t.result(Duration.ofSeconds(60)))
                    .distinct()
                    .toList();
        }
        assertThat(pids).hasSize(2).doesNotContain(self);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pids.stream()
                        .noneMatch(p ->
                                ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void badCountsAreRefused() {
        assertThatThrownBy(() -> LocalCluster.selfStarting(0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> LocalCluster.selfStarting(2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
