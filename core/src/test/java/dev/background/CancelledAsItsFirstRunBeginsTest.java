package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.internal.observe.TaskNanos;
import dev.background.testkit.SerializingKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Delayed tasks cancelled as their first run begins, from many threads: a task whose timings
 * report a start really started (its listeners heard it, after its submit), and one that never
 * ran reports no start, no run time and no place.
 */
class CancelledAsItsFirstRunBeginsTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("threads", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().threads()),
                Arguments.of("virtual threads", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().virtualThreads()),
                Arguments.of("serializing", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().kind(SerializingKind.INSTANCE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aTaskCancelledAsItsFirstRunBeginsReportsAStartOnlyIfItStarted(String kind, Supplier<BackgroundPool.Builder> b)
            throws Exception {
        int threads = 4, perThread = 6_000;
        Set<Task<?>> told = ConcurrentHashMap.newKeySet();
        List<Task<?>> tasks = new CopyOnWriteArrayList<>();
        try (BackgroundPool pool = b.get().name("cancelled-as-it-begins").n(2).build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    told.add(task);
                }
            });
            Runnable noop = (Runnable & Serializable) () -> {};
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> cancellers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean interrupt = t % 2 == 0;
                cancellers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<Task<?>> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        Task<?> task = (Task<?>) pool.schedule(noop, 1, TimeUnit.NANOSECONDS);
                        // The window between the run state's move to begun and the runner's next
                        // look at the task is nanoseconds wide: cancels come at once, once the
                        // task is seen begun, or after a spin of up to 20 microseconds.
                        long until =
                                System.nanoTime() + ThreadLocalRandom.current().nextLong(20_000);
                        while ((i % 3 == 1 && TaskNanos.started(task) == 0 && !task.isDone())
                                || (i % 3 == 2 && System.nanoTime() < until)) {
                            Thread.onSpinWait();
                        }
                        task.cancel(interrupt);
                        mine.add(task);
                    }
                    tasks.addAll(mine);
                }));
            }
            go.countDown();
            for (Thread t : cancellers) {
                t.join();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(tasks).hasSize(threads * perThread);
        assertThat(tasks).allSatisfy(task -> {
            TaskTimings t = task.timings();
            assertThat(task.isDone()).isTrue();
            if (t.started() == null) {
                assertThat(task.state())
                        .as("never ran, yet not cancelled: %s", t)
                        .isEqualTo(Future.State.CANCELLED);
                // Set.contains, not AssertJ's contains: that walks the whole set for each task.
                assertThat(told.contains(task))
                        .as("heard started, yet no start in its timings: %s", t)
                        .isFalse();
                assertThat(t.where()).as("a place without a start: %s", t).isNull();
                assertThat(t.runTime()).as("a run time without a start: %s", t).isZero();
            } else {
                assertThat(told.contains(task))
                        .as("a start nobody heard of: %s", t)
                        .isTrue();
                assertThat(t.started()).as("started before its submit: %s", t).isAfterOrEqualTo(t.submitted());
                assertThat(t.where()).as("a start without a place: %s", t).isNotNull();
            }
        });
    }
}
