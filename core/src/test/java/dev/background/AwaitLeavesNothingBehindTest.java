package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncCallable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Regression: every {@code Tasks.await} registered a completion node on each pending task and
 * left it there when the wait gave up, so a loop polling with a short timeout grew each pending
 * task's list of dependents without bound until the task ended.
 */
class AwaitLeavesNothingBehindTest {

    @Test
    void waitsThatGiveUpLeaveNoDependentsOnAPendingTask() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundPool pool =
                BackgroundPool.builder().name("await-leak").n(1).build()) {
            Task<Void> pending = pool.run(() -> release.await());
            try {
                for (int i = 0; i < 10_000; i++) {
                    Tasks.Outcome<Task<Void>> o =
                            Tasks.await(List.of(pending), Tasks.Until.FIRST_COMPLETED, Duration.ofNanos(1));
                    assertThat(o.pending()).containsExactly(pending);
                }

                assertThat(((CompletableFuture<?>) pending).getNumberOfDependents())
                        .isLessThan(10);
            } finally {
                release.countDown();
            }
            assertThat(Tasks.awaitAll(List.of(pending), Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aWaitRacingTheTasksEndNeverMissesIt() {
        try (BackgroundPool pool =
                BackgroundPool.builder().name("await-race").n(2).build()) {
            AsyncCallable<Integer> quick = pool.task(() -> 1);
            for (int i = 0; i < 20_000; i++) {
                Task<Integer> t = quick.call(); // ends while the wait registers, or before, or after
                Tasks.Outcome<Task<Integer>> o =
                        Tasks.await(List.of(t), Tasks.Until.ALL_COMPLETED, Duration.ofSeconds(10));
                assertThat(o.done()).as("iteration %d", i).containsExactly(t);
            }
        }
    }
}
