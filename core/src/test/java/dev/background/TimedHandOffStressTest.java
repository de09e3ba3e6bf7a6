package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Delayed calls, retries in their backoff and periodic tasks, raced from many threads against
 * {@code cancel} and {@code shutdownNow}: every call is refused at its submit, or ends (listed
 * and cancelled by {@code shutdownNow}, cancelled, interrupted, or by itself); none is left
 * pending, not even one waiting on the timer, and the pool terminates.
 */
class TimedHandOffStressTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}, keepResults({1})")
    @CsvSource({"threads, 16384", "virtual, 16384", "threads, 0", "virtual, 0"})
    void noTimedCallIsLeftPendingByShutdownNow(String kind, int keep) throws Exception {
        for (int round = 0; round < 30; round++) {
            BackgroundPool.Builder b =
                    BackgroundPool.builder().n(2).keepResults(keep).awaitTasksAtExit(false);
            BackgroundPool pool = (kind.equals("virtual") ? b.virtualThreads() : b.threads()).build();
            Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
            AsyncFunction<Integer, Integer> fn = pool.task((Integer id) -> {
                if (failedOnce.add(id)) {
                    throw new IOException("first attempt of " + id);
                }
                return id;
            });
            var retried = fn.retry(RetryPolicy.builder()
                    .maxAttempts(3)
                    .delay(Duration.ofMillis(1))
                    .build());
            var delayed = fn.after(Duration.ofMillis(1)).retry(RetryPolicy.none());
            var limited = retried.limit(1);
            List<Task<?>> tasks = Collections.synchronizedList(new ArrayList<>());
            var go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int base = s * 1_000;
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 200; i++) {
                            int id = base + i;
                            Task<?> t = switch (i % 4) {
                                case 0 -> retried.apply(id);
                                case 1 -> delayed.apply(id);
                                case 2 -> limited.apply(id);
                                default -> (Task<?>) pool.scheduleWithFixedDelay(() -> {}, 0, 1, TimeUnit.MILLISECONDS);
                            };
                            tasks.add(t);
                            if (ThreadLocalRandom.current().nextInt(8) == 0) {
                                t.cancel(ThreadLocalRandom.current().nextBoolean());
                            }
                        }
                    } catch (RejectedExecutionException refused) {
                        // the pool stopped: this submitter is done
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            int stopAfter = ThreadLocalRandom.current().nextInt(400); // stop at a random point of the submits
            while (tasks.size() < stopAfter && submitters.stream().anyMatch(Thread::isAlive)) {
                Thread.onSpinWait();
            }
            List<Runnable> listed = pool.shutdownNow();
            for (Thread t : submitters) {
                t.join(PATIENCE.toMillis());
            }

            assertThat(pool.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("round %d terminates", round)
                    .isTrue();
            synchronized (tasks) {
                assertThat(tasks).allSatisfy(t -> assertThat(t.isDone()).isTrue());
            }
            assertThat(listed)
                    .allSatisfy(r -> assertThat(((Task<?>) r).isCancelled()).isTrue());
        }
    }
}
