package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link BackgroundPool#pending()}: a task's result is visible before its pool's
 * callbacks run, and the task leaves the count only once they have returned. (This is why
 * {@code pending()} seemed to lag a task's completion.)
 */
class PendingCountsATaskUntilItsCallbacksReturnTest {

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aTaskWhoseResultIsVisibleCountsUntilItsCallbackReturns(String kind) throws Exception {
        BackgroundPool.Builder b =
                BackgroundPool.builder().name("pending-" + kind).n(1);
        try (BackgroundPool pool = (kind.equals("threads") ? b.threads() : b.virtualThreads()).build()) {
            CountDownLatch inCallback = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean callbackReturned = new AtomicBoolean();
            pool.callback(t -> {
                inCallback.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                callbackReturned.set(true);
            });

            assertThat(pool.run(() -> 42).result()).isEqualTo(42);
            inCallback.await();
            assertThat(pool.pending()).as("its callback is still running").isEqualTo(1);

            release.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pool.pending() == 0);
            assertThat(callbackReturned)
                    .as("pending() read 0 only after the callback returned")
                    .isTrue();
        }
    }
}
