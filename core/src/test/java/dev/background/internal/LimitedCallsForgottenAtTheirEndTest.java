package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            List<TaskFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int v = i;
                calls.add(pool.submit(() -> v, limitOne));
            }
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
