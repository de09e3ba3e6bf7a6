package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Guards that the pool forgets a limited call once it has ended: {@code shutdownNow} finds calls
 * waiting at a limit through a set of their own, and a call left there after its end would be a
 * leak of every limited call a long-lived pool ever ran.
 */
class LimitedCallsForgottenAtTheirEndTest {

    @Test
    void endedLimitedCallsLeaveThePoolsSetOfLimitedCalls() {
        var pool = new PoolCore("forget", ThreadEngine.PLATFORM, 2, 0, List.of(), false);
        try {
            var limitOne = CallOptions.DEFAULT.withLimit(1);
            var release = new CountDownLatch(1);
            TaskFuture<Integer> holder = pool.submit(
                    () -> {
                        release.await();
                        return -1;
                    },
                    limitOne);
            List<TaskFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int v = i;
                calls.add(pool.submit(() -> v, limitOne));
            }
            assertThat(pool.limitedCallsTracked())
                    .as("the running call and the 20 waiting at the limit")
                    .isEqualTo(21);
            release.countDown();
            assertThat(holder.join()).isEqualTo(-1);
            for (int i = 0; i < 20; i++) {
                assertThat(calls.get(i).join()).isEqualTo(i);
            }
            // A call leaves the set in its end's bookkeeping, just after its result is visible.
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.limitedCallsTracked() == 0);
        } finally {
            pool.shutdown();
        }
    }
}
