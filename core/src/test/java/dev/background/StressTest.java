package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.ChildJvm;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stress tests (issue 2, "Tests"): many tasks from many threads, n changing under load, and map
 * over ten million inputs in a small heap. Tagged {@code stress}: {@code -Dgroups=stress} runs
 * only these, {@code -DexcludedGroups=stress} skips them. Exactness is checked with counters,
 * never with timings.
 */
@Tag("stress")
class StressTest {

    /** Thrown by a tenth of the tasks; carries the task's id so that failures can be counted too. */
    static final class Planned extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int id;

        Planned(int id) {
            super("planned failure " + id, null, false, false);
            this.id = id;
        }
    }

    @Test
    void eightThreadsSubmitAMillionTasksAndEveryResultAndCallbackIsCountedExactlyOnce() throws Exception {
        int threads = 8, perThread = 125_000, total = threads * perThread;
        AtomicIntegerArray results = new AtomicIntegerArray(total);
        AtomicIntegerArray callbacks = new AtomicIntegerArray(total);
        AtomicLong callbackFailures = new AtomicLong();
        AtomicLong failuresSeen = new AtomicLong();
        try (BackgroundPool pool = BackgroundPool.builder().name("stress").n(4).build()) {
            pool.callback(t -> {
                int id;
                if (t.state() == java.util.concurrent.Future.State.SUCCESS) {
                    id = (Integer) t.resultNow();
                } else {
                    id = ((Planned) t.exceptionNow()).id;
                    callbackFailures.incrementAndGet();
                }
                callbacks.incrementAndGet(id);
            });
            var work = pool.task((Integer id) -> {
                if (id % 10 == 0) {
                    throw new Planned(id);
                }
                return id;
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < threads; s++) {
                int first = s * perThread;
                submitters.add(Thread.ofPlatform().start(() -> {
                    ArrayDeque<Task<Integer>> window = new ArrayDeque<>();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int id = first; id < first + perThread; id++) {
                        window.add(work.apply(id));
                        if (window.size() > 2_000) {
                            count(window.poll(), results, failuresSeen);
                        }
                    }
                    while (!window.isEmpty()) {
                        count(window.poll(), results, failuresSeen);
                    }
                }));
            }
            go.countDown();
            for (Thread t : submitters) {
                t.join();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES))
                    .isTrue();
            assertThat(pool.results())
                    .as("results() stays bounded")
                    .hasSizeLessThanOrEqualTo(2 * BackgroundPool.DEFAULT_KEEP_RESULTS);
        }
        assertThat(failuresSeen).hasValue(total / 10);
        assertThat(callbackFailures).hasValue(total / 10);
        for (int id = 0; id < total; id++) {
            if (results.get(id) != 1 || callbacks.get(id) != 1) {
                throw new AssertionError("task " + id + ": result counted " + results.get(id) + " times, callback run "
                        + callbacks.get(id) + " times");
            }
        }
    }

    private static void count(Task<Integer> t, AtomicIntegerArray results, AtomicLong failures) {
        try {
            results.incrementAndGet(t.result());
        } catch (Planned p) {
            results.incrementAndGet(p.id);
            failures.incrementAndGet();
        }
    }

    /**
     * n goes up and down while tasks run. The bound checked is the n in force, as documented: a
     * raise counts at once; a lowering counts once every task submitted before it has ended
     * (tasks running then, or already handed to a worker, may finish: lowering interrupts none).
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void theNumberOfTasksRunningAtOnceNeverExceedsTheNInForceWhileNGoesUpAndDown(String kind) throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger ceiling = new AtomicInteger(2);
        AtomicInteger violations = new AtomicInteger(), interrupted = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorKind executorKind = kind.equals("virtual") ? ExecutorKind.virtualThreads() : ExecutorKind.threads();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("resize").kind(executorKind).n(2).build()) {
            var work = pool.task((Integer i) -> {
                int now = running.incrementAndGet();
                maxSeen.accumulateAndGet(now, Math::max);
                if (now > ceiling.get()) {
                    violations.incrementAndGet();
                }
                LockSupport.parkNanos(20_000 + ThreadLocalRandom.current().nextInt(50_000));
                if (Thread.currentThread().isInterrupted()) {
                    interrupted.incrementAndGet();
                }
                running.decrementAndGet();
                return i;
            });
            int n = 2;
            for (int phase = 0; phase < 40; phase++) {
                int next = 1 + ThreadLocalRandom.current().nextInt(6);
                List<Task<Integer>> batch = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    batch.add(work.apply(i));
                }
                batch.get(50).result(); // change n while a third of the batch has run and the rest is queued or running
                if (next > n) {
                    ceiling.set(next); // a raise may take effect at once
                }
                pool.n(next);
                Tasks.awaitAll(batch);
                ceiling.set(next); // every task submitted before the change has ended
                n = next;
            }
        }
        assertThat(violations).as("tasks started above the n in force").hasValue(0);
        assertThat(interrupted).as("tasks interrupted by a change of n").hasValue(0);
        assertThat(maxSeen.get()).as("the test did run tasks at once").isGreaterThan(1);
    }

    /** Maps a function over ten million lazily generated inputs in a 64 MB heap, then prints a checksum. */
    static final class MapTenMillion {
        public static void main(String[] args) {
            long count = Long.parseLong(args[0]);
            try (BackgroundPool pool = BackgroundPool.builder().name("map").n(2).build()) {
                var plusOne = pool.task((Long i) -> i + 1);
                long[] sum = {0, 0};
                plusOne.map(LongStream.range(0, count).boxed(), 256).forEach(v -> {
                    sum[0] += v;
                    sum[1]++;
                });
                System.out.println("count=" + sum[1] + " sum=" + sum[0]);
            }
        }
    }

    @Test
    void mapOverTenMillionLazilyGeneratedInputsRunsInASmallHeap() throws Exception {
        long count = 10_000_000;
        var child = ChildJvm.run(
                MapTenMillion.class, List.of("-Xmx64m"), Map.of(), Duration.ofMinutes(5), String.valueOf(count));

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("count=" + count + " sum=" + (count * (count + 1) / 2));
    }
}
