package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Regression: {@link Tasks#await} listed a task given twice twice in its outcome, unlike
 * {@link Tasks#asCompleted} and Python's {@code wait}, whose outcome is two sets.
 */
class AwaitListsEachTaskOnceTest {

    @Test
    void aTaskGivenTwiceIsListedOnceInDoneAndOnceInPending() throws InterruptedException {
        try (BackgroundPool pool = BackgroundPool.builder().n(2).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> done = pool.run(() -> 1);
            Task<Integer> blocked = pool.run(() -> {
                release.await();
                return 2;
            });
            try {
                done.result();

                Tasks.Outcome<Task<Integer>> outcome =
                        Tasks.await(List.of(done, blocked, done, blocked), Tasks.Until.FIRST_COMPLETED, Duration.ZERO);

                assertThat(outcome.done()).containsExactly(done);
                assertThat(outcome.pending()).containsExactly(blocked);
            } finally {
                release.countDown();
            }
        }
    }
}
