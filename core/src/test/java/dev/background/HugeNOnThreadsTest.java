package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An n too large for a {@code ThreadPoolExecutor}'s 29-bit sizes (which it masks: 2^29 would be
 * 0 threads) still runs calls on the threads kind, whether built with it or resized to it.
 */
class HugeNOnThreadsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @ParameterizedTest
    @ValueSource(ints = {1 << 29, (1 << 30) + 1, Integer.MAX_VALUE})
    void aPoolOfThreadsWithNPast2To29RunsItsCallsAndTerminates(int n) throws Exception {
        BackgroundPool pool = BackgroundPool.builder()
                .name("huge-" + n)
                .n(n)
                .awaitTasksAtExit(false)
                .threads()
                .build();
        assertThat(pool.run(() -> 42).result(PATIENCE)).isEqualTo(42);
        pool.n(2);
        pool.n(n); // raised past 2^29 again
        assertThat(pool.run(() -> 43).result(PATIENCE)).isEqualTo(43);
        pool.shutdown();
        assertThat(pool.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
    }
}
