package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.TaskDecorator;

/**
 * Many threads submit through one decorated executor at once: every call gets its own submitter's
 * context and its own value back, whatever the interleaving, and none is lost.
 */
class BackgroundTaskExecutorStressTest {

    private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    /** Captures on the submitting thread, restores on the worker, as an MDC decorator does. */
    private static final TaskDecorator DECORATOR = runnable -> {
        String captured = CONTEXT.get();
        return () -> {
            String previous = CONTEXT.get();
            CONTEXT.set(captured);
            try {
                runnable.run();
            } finally {
                CONTEXT.set(previous);
            }
        };
    };

    @Test
    void eachCallOfManySubmittingThreadsSeesItsOwnContextAndReturnsItsOwnValue() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        try (BackgroundPool pool = BackgroundPool.builder().name("stress").n(4).build()) {
            BackgroundTaskExecutor executor = new BackgroundTaskExecutor(pool, DECORATOR);
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicInteger wrong = new AtomicInteger();
            CountDownLatch executed = new CountDownLatch(threads * perThread / 2);
            List<Thread> submitters = new ArrayList<>();
            List<List<Task<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Task<String>> mine = new ArrayList<>();
                tasks.add(mine);
                int id = t;
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String expected = id + "/" + i;
                            CONTEXT.set(expected);
                            if (i % 2 == 0) {
                                mine.add(executor.submit(() -> CONTEXT.get() + "=" + expected));
                            } else {
                                executor.execute(() -> {
                                    if (!expected.equals(CONTEXT.get())) {
                                        wrong.incrementAndGet();
                                    }
                                    executed.countDown();
                                });
                            }
                        }
                        CONTEXT.remove();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread s : submitters) {
                s.join();
            }
            for (List<Task<String>> mine : tasks) {
                for (Task<String> task : mine) {
                    String r = task.result(Duration.ofSeconds(30));
                    int eq = r.indexOf('=');
                    assertThat(r.substring(0, eq)).isEqualTo(r.substring(eq + 1));
                }
            }
            assertThat(tasks).allSatisfy(mine -> assertThat(mine).hasSize(perThread / 2));
            assertThat(executed.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wrong.get()).isZero();
            assertThat(CONTEXT.get()).isNull();
        }
    }
}
