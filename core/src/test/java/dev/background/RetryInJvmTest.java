package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Retries on the in-JVM kinds, where tasks may touch latches and shared sets. */
class RetryInJvmTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void aCallFailingTwiceEndsAtAttemptThreeWhileAnotherCallRunsDuringItsBackoffOnOneWorker() throws Exception {
        try (var pool = BackgroundPool.builder().n(1).build()) {
            var events = new ConcurrentLinkedQueue<String>();
            var firstRuns = new CountDownLatch(1);
            var otherQueued = new CountDownLatch(1);
            var attempts = new AtomicInteger();
            var policy = RetryPolicy.builder()
                    .maxAttempts(3)
                    .delay(Duration.ofMillis(1))
                    .build();
            Task<String> retried = pool.task(() -> {
                        int a = attempts.incrementAndGet();
                        events.add("attempt " + a);
                        if (a == 1) {
                            firstRuns.countDown();
                            // the other call is queued before this attempt fails: with the one
                            // worker free during the backoff, it runs before the retry
                            assertThat(otherQueued.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                                    .isTrue();
                        }
                        if (a < 3) {
                            throw new IOException("attempt " + a);
                        }
                        return "third time lucky";
                    })
                    .retry(policy)
                    .call();
            assertThat(firstRuns.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            Task<String> other = pool.run(() -> {
                events.add("other");
                return "other";
            });
            otherQueued.countDown();

            assertThat(retried.result(PATIENCE)).isEqualTo("third time lucky");
            assertThat(retried.attempt()).isEqualTo(3);
            assertThat(other.result(PATIENCE)).isEqualTo("other");
            assertThat(events).containsExactly("attempt 1", "other", "attempt 2", "attempt 3");
        }
    }

    /** A retry gives its last run's permit back before it asks for one: none leaks, however the race goes. */
    @Test
    void retriesOfALimitedFunctionGiveTheirPermitsBack() throws Exception {
        try (var pool = BackgroundPool.builder().n(4).build()) {
            Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
            var bothIn = new CountDownLatch(2);
            AsyncFunction<Integer, Integer> fn = pool.task((Integer i) -> {
                        if (i < 0) { // two calls that can only end together: both permits free
                            bothIn.countDown();
                            assertThat(bothIn.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                                    .isTrue();
                            return i;
                        }
                        if (failedOnce.add(i)) {
                            throw new IOException("once " + i);
                        }
                        return i;
                    })
                    .limit(2)
                    .retry(RetryPolicy.builder()
                            .maxAttempts(2)
                            .delay(Duration.ZERO)
                            .build());

            List<Task<Integer>> first =
                    IntStream.range(0, 200).mapToObj(fn::apply).toList();
            assertThat(Tasks.gather(first)).hasSize(200);

            assertThat(Tasks.gather(List.of(fn.apply(-1), fn.apply(-2)))).containsExactly(-1, -2);
        }
    }
}
