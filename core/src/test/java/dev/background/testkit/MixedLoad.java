package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.RetryPolicy;
import dev.background.function.AsyncFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stress load for what counts a pool's tasks and runs (listeners, metrics): many threads,
 * released at once, each submitting plain, retried, periodic (three runs) and cancelled tasks;
 * then the pool is shut down and drained.
 */
public final class MixedLoad {
    private MixedLoad() {}

    /**
     * Submits {@code perThread} tasks from each of {@code threads} threads at once, asserts that
     * no submit failed, then shuts the pool down and waits (two minutes at most) for it to end.
     *
     * @param pool the pool, open
     * @param threads how many submitting threads
     * @param perThread how many tasks each submits; a fifth of them periodic, three runs each
     * @throws InterruptedException if interrupted while waiting
     */
    public static void submitFromThreadsAndDrain(BackgroundPool pool, int threads, int perThread)
            throws InterruptedException {
        AsyncFunction<Integer, Integer> flaky = pool.task((Integer i) -> {
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        throw new IOException("flaky " + i);
                    }
                    return i;
                })
                .retry(RetryPolicy.builder().maxAttempts(3).delay(Duration.ZERO).build());
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> submitFailures = new CopyOnWriteArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    submitMix(pool, flaky, perThread);
                } catch (RuntimeException | Error e) {
                    submitFailures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join();
        }
        assertThat(submitFailures).isEmpty();
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    }

    /** Submits {@code count} tasks: plain, retried, periodic (three runs), and cancelled ones. */
    private static void submitMix(BackgroundPool pool, AsyncFunction<Integer, Integer> flaky, int count) {
        for (int i = 0; i < count; i++) {
            int x = i;
            switch (i % 5) {
                case 0 -> pool.run(() -> x);
                case 1 -> flaky.apply(x);
                case 2 -> {
                    AtomicInteger runs = new AtomicInteger();
                    pool.scheduleWithFixedDelay(
                            () -> {
                                if (runs.incrementAndGet() == 3) {
                                    throw new IllegalStateException("three runs");
                                }
                            },
                            0,
                            1,
                            TimeUnit.NANOSECONDS);
                }
                case 3 -> flaky.apply(x).cancel(true); // in any attempt, or its backoff
                default -> pool.run(() -> x).cancel(true); // before, while or after it starts
            }
        }
    }
}
