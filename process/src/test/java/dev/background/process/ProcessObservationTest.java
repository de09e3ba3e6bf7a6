package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Progress;
import dev.background.Task;
import dev.background.TaskTimings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Timings and pool events on worker processes: where a task ran, and workers that start and die. */
class ProcessObservationTest {

    @Test
    void timingsNameTheWorkerProcessAndAddUp() {
        try (var pool = BackgroundPool.builder()
                .name("timed")
                .n(2)
                .kind(ProcessKind.builder().build())
                .build()) {
            var square = pool.task((Integer i) -> i * i);
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(square.apply(i));
            }
            for (Task<Integer> t : tasks) {
                t.result();
                TaskTimings timings = t.timings();
                assertThat(timings.where()).matches("timed-worker-\\d+ \\(pid \\d+\\)");
                assertThat(timings.started()).isNotNull();
                assertThat(timings.ended()).isNotNull();
                Duration endMinusSubmit = Duration.between(timings.submitted(), timings.ended());
                assertThat(timings.total().minus(endMinusSubmit).abs()).isLessThanOrEqualTo(Duration.ofNanos(1_000));
                assertThat(timings.attempt()).isEqualTo(1);
            }
        }
    }

    @Test
    void progressCountsTasksOfWorkerProcesses() {
        StringBuilder out = new StringBuilder();
        try (var pool = BackgroundPool.builder()
                .name("progress")
                .n(2)
                .kind(ProcessKind.builder().build())
                .build()) {
            var square = pool.task((Integer i) -> i * i);
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                tasks.add(square.apply(i));
            }
            Progress.of(tasks).named("squares").to(out).terminal(false).await();
        }
        assertThat(out.toString()).contains("squares: 30/30 100% ");
    }

    @Test
    void workersStartingAndDyingAreReportedAsPoolEvents() {
        Queue<PoolEvent> events = new ConcurrentLinkedQueue<>();
        try (var pool = BackgroundPool.builder()
                .name("watched")
                .n(1)
                .kind(ProcessKind.builder().build())
                .build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void poolEvent(PoolEvent event) {
                    events.add(event);
                }
            });
            assertThat(pool.run(() -> 1).result()).isEqualTo(1);
            Task<Object> exit = pool.run(() -> {
                Runtime.getRuntime().halt(7);
                return null;
            });
            assertThatThrownBy(exit::result).isInstanceOf(WorkerDiedException.class);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> events.stream().anyMatch(e -> e.type() == PoolEvent.Type.WORKER_DIED));
        }
        PoolEvent died = events.stream()
                .filter(e -> e.type() == PoolEvent.Type.WORKER_DIED)
                .findFirst()
                .orElseThrow();
        assertThat(died.worker()).matches("watched-worker-1 \\(pid \\d+\\)");
        assertThat(died.detail()).contains("exit code 7");
        assertThat(events.stream()
                        .filter(e -> e.type() == PoolEvent.Type.WORKER_STARTED)
                        .map(PoolEvent::worker))
                .contains(died.worker());
    }
}
