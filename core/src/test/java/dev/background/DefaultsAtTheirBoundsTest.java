package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Limits and defaults at their exact bounds, where an off-by-one would hide. */
class DefaultsAtTheirBoundsTest {

    @Test
    void keepResultsAcceptsItsMaximumAndNotOneMore() {
        BackgroundPool.builder().keepResults(BackgroundPool.MAX_KEEP_RESULTS); // the builder only checks

        assertThatThrownBy(() -> BackgroundPool.builder().keepResults(BackgroundPool.MAX_KEEP_RESULTS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mapWithoutAWindowKeepsTwiceNCallsInFlight() {
        CountDownLatch release = new CountDownLatch(1);
        try (BackgroundPool pool = BackgroundPool.builder().name("window").n(3).build()) {
            AtomicInteger pulled = new AtomicInteger();
            Iterator<Integer> inputs = Stream.iterate(0, i -> i + 1)
                    .limit(100)
                    .peek(i -> pulled.incrementAndGet())
                    .iterator();
            Iterable<Integer> once = () -> inputs;
            Stream<Integer> results = pool.map(
                    (Integer i) -> {
                        release.await();
                        return i;
                    },
                    once);
            Thread consumer = Thread.ofPlatform().start(() -> {
                var unused = results.findFirst();
            });

            // The consumer fills the window, then blocks on the first result.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> consumer.getState() == Thread.State.WAITING);
            assertThat(pulled.get()).isEqualTo(6);
            release.countDown();
        }
    }

    @Test
    void mapRefillsItsWindowBeforeHandingOverEachResult() {
        try (BackgroundPool pool = BackgroundPool.builder().name("refill").n(2).build()) {
            AtomicInteger pulled = new AtomicInteger();
            Stream<Integer> inputs = Stream.iterate(0, i -> i + 1).limit(10).peek(i -> pulled.incrementAndGet());
            Iterator<Integer> results =
                    pool.task((Integer i) -> i).map(inputs, 2).iterator();

            assertThat(results.next()).isZero();

            // The window (2) was refilled while the consumer holds the first result.
            assertThat(pulled.get()).isEqualTo(3);
        }
    }
}
