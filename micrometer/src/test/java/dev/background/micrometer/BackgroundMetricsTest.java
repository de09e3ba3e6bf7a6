package dev.background.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.RetryPolicy;
import dev.background.Task;
import dev.background.testkit.CancelledAsTheyBegin;
import dev.background.testkit.MixedLoad;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackgroundMetricsTest {

    private static final int TASKS = 100_000;

    @Test
    void countsMatchOneHundredThousandTasks() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool = BackgroundPool.builder().name("metered").n(4).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool).tags(Tags.of("app", "test"))) {
            metrics.bindTo(registry);
            var square = pool.task((Integer i) -> i * i).named("square");
            var fails = pool.task((Integer i) -> {
                        throw new IllegalStateException("no " + i);
                    })
                    .named("fails");
            for (int i = 0; i < TASKS; i++) {
                (i % 10 == 0 ? fails : square).apply(i);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

            assertThat(registry.get("executor.completed")
                            .tags("name", "metered", "app", "test")
                            .functionCounter()
                            .count())
                    .isEqualTo(TASKS);
            Timer squareRun = registry.get("executor")
                    .tags("name", "metered", "function", "square", "outcome", "SUCCESS")
                    .timer();
            Timer failsRun = registry.get("executor")
                    .tags("name", "metered", "function", "fails", "outcome", "FAILED")
                    .timer();
            assertThat(squareRun.count()).isEqualTo(TASKS * 9 / 10);
            assertThat(failsRun.count()).isEqualTo(TASKS / 10);
            assertThat(registry.get("executor.idle").timers().stream()
                            .mapToLong(Timer::count)
                            .sum())
                    .isEqualTo(TASKS);
            assertThat(registry.get("executor.active").gauge().value()).isZero();
            assertThat(registry.get("executor.queued").gauge().value()).isZero();
            assertThat(registry.get("executor.pool.size").gauge().value()).isEqualTo(4);
        }
        assertThat(registry.getMeters()).as("close removes the meters").isEmpty();
    }

    @Test
    void activeAndQueuedGaugesFollowThePool() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool = BackgroundPool.builder().name("gauged").n(2).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(2);
            for (int i = 0; i < 5; i++) {
                pool.run(() -> {
                    running.countDown();
                    release.await();
                });
            }
            running.await();
            await().until(() -> registry.get("executor.active").gauge().value() == 2);
            assertThat(registry.get("executor.queued").gauge().value()).isEqualTo(3);
            pool.n(3);
            assertThat(registry.get("executor.pool.size").gauge().value()).isEqualTo(3);
            release.countDown();
        }
    }

    /**
     * Regression guard: {@code executor.active} counted every run's start but only the task's
     * end, so a periodic task that ran three times left it at 2 once ended, and read 3 in its
     * third run.
     */
    @Test
    void aPeriodicTaskThatRanThreeTimesLeavesActiveAtZeroAndCountsOneWhileItRuns() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool =
                        BackgroundPool.builder().name("periodic").n(2).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            List<Double> seenInRuns = new CopyOnWriteArrayList<>();
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> periodic = pool.scheduleAtFixedRate(
                    () -> {
                        seenInRuns.add(active(registry));
                        if (runs.incrementAndGet() == 3) {
                            throw new IllegalStateException("stops a periodic task after its third run");
                        }
                    },
                    0,
                    1,
                    TimeUnit.MILLISECONDS);

            await().until(periodic::isDone);

            assertThat(seenInRuns).containsExactly(1.0, 1.0, 1.0);
            assertThat(active(registry)).isZero();
            assertThat(registry.get("executor.queued").gauge().value()).isZero();
        }
    }

    /** Regression guard: as for periodic tasks, each retry left one more task counted as running. */
    @Test
    void aTaskRetriedTwiceLeavesActiveAtZeroAndCountsOneWhileEachAttemptRuns() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool = BackgroundPool.builder().name("retried").n(2).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            List<Double> seenInAttempts = new CopyOnWriteArrayList<>();
            AtomicInteger attempts = new AtomicInteger();
            var flaky = pool.task(() -> {
                        seenInAttempts.add(active(registry));
                        if (attempts.incrementAndGet() < 3) {
                            throw new IOException("attempt " + attempts.get());
                        }
                        return attempts.get();
                    })
                    .retry(RetryPolicy.builder()
                            .maxAttempts(3)
                            .delay(Duration.ofMillis(1))
                            .build());

            assertThat(flaky.call().result()).isEqualTo(3);

            assertThat(seenInAttempts).containsExactly(1.0, 1.0, 1.0);
            assertThat(active(registry))
                    .as("a run's end is counted before its task settles")
                    .isZero();
            // The task's end is told after its future completes.
            await().until(() ->
                    registry.get("executor.completed").functionCounter().count() == 1);
        }
    }

    /**
     * Many threads submit plain, periodic, retried and cancelled tasks while another reads the
     * gauge: it never reads more than the pool's {@code n} (no more can run at once), and reads 0
     * once the pool is idle.
     */
    @Test
    void activeNeverExceedsNAndReturnsToZeroUnderManyThreads() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int n = 4, threads = 8, perThread = 2_000;
        try (BackgroundPool pool = BackgroundPool.builder().name("busy").n(n).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong highest = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    highest.accumulateAndGet((long) active(registry), Math::max);
                }
            });
            MixedLoad.submitFromThreadsAndDrain(pool, threads, perThread);
            done.set(true);
            reader.join();

            assertThat(highest.get()).isLessThanOrEqualTo(n);
            assertThat(active(registry)).isZero();
            assertThat(registry.get("executor.queued").gauge().value()).isZero();
        }
    }

    /**
     * Regression guard: a delayed task cancelled as its first run began ended with a start of 0
     * that was never told to the listeners, and {@code executor.active} went below 0 once for each.
     * Many threads schedule and cancel; the gauge never reads below 0, and reads 0 once idle.
     */
    @Test
    void delayedTasksCancelledAsTheyBeginLeaveActiveAtZero() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int threads = 4, perThread = 6_000;
        try (BackgroundPool pool =
                        BackgroundPool.builder().name("cancelled").n(2).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong lowest = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    lowest.accumulateAndGet((long) active(registry), Math::min);
                }
            });
            CancelledAsTheyBegin.scheduleCancelAndDrain(pool, threads, perThread);
            done.set(true);
            reader.join();

            assertThat(lowest.get()).isZero();
            assertThat(active(registry)).isZero();
        }
    }

    private static double active(SimpleMeterRegistry registry) {
        return registry.get("executor.active").gauge().value();
    }

    @Test
    void queuedCountsNoTaskWhoseCallbacksAreStillRunning() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool =
                        BackgroundPool.builder().name("calling-back").n(2).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            metrics.bindTo(registry);
            CountDownLatch inCallbacks = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            pool.callback(t -> {
                inCallbacks.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                pool.run(() -> {});
                pool.run(() -> {});
                inCallbacks.await();
                // Both tasks have ended (their listeners ran before the callbacks), but the pool
                // counts them pending until their callbacks return: nothing is queued, nothing runs.
                assertThat(pool.pending()).isEqualTo(2);
                assertThat(registry.get("executor.active").gauge().value()).isZero();
                assertThat(registry.get("executor.queued").gauge().value()).isZero();
            } finally {
                release.countDown(); // else closing the pool waits for the callbacks
            }
        }
    }

    /**
     * Regression guard: binding one pool seeded the queued count from pending() before it added
     * its listener, so a task submitted in between was counted by neither, for good.
     */
    @Test
    void queuedCountsATaskSubmittedWhileThePoolsMetersAreRegistered() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool = BackgroundPool.builder().name("binding").n(1).build();
                BackgroundMetrics metrics = BackgroundMetrics.of(pool)) {
            List<ScheduledFuture<?>> submitted = new ArrayList<>();
            registry.config().onMeterAdded(m -> {
                if (m.getId().getName().equals("executor.queued")) {
                    submitted.add(pool.schedule(() -> {}, 1, TimeUnit.HOURS));
                }
            });
            metrics.bindTo(registry);
            try {
                assertThat(submitted).hasSize(1);
                assertThat(registry.get("executor.queued").gauge().value()).isEqualTo(1);
            } finally {
                submitted.forEach(f -> f.cancel(false)); // else closing the pool waits an hour
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> pool.pending() == 0);
            assertThat(registry.get("executor.queued").gauge().value()).isZero();
        }
    }

    /**
     * Regression guard: meters made by a task's submit (every-pool metrics, before the pool's
     * OPENED event) were seeded with pending(), which counts that task already, and then counted
     * it again; it showed while another task was in its callbacks.
     */
    @Test
    void everyPoolMetricsCountOnceATaskWhoseSubmitMadeItsPoolsMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool one = BackgroundPool.builder().name("seeded-1").n(1).build();
                BackgroundPool two =
                        BackgroundPool.builder().name("seeded-2").n(1).build();
                BackgroundMetrics metrics = BackgroundMetrics.ofAllPools()) {
            List<BackgroundPool> pools = List.of(one, two);
            Map<String, ScheduledFuture<?>> delayed = new ConcurrentHashMap<>();
            Set<String> chosen = ConcurrentHashMap.newKeySet();
            // The OPENED events of existing pools come one by one: the meters of the first pool
            // made submit a task to each pool whose meters are still to be made.
            registry.config().onMeterAdded(m -> {
                for (BackgroundPool p : pools) {
                    if (registry.find("executor.completed")
                                            .tag("name", p.name())
                                            .meter()
                                    == null
                            && chosen.add(p.name())) { // before the submit, which may call this again
                        delayed.put(p.name(), p.schedule(() -> {}, 1, TimeUnit.HOURS));
                    }
                }
            });
            metrics.bindTo(registry);
            try {
                assertThat(delayed).as("a pool whose meters a submit made").isNotEmpty();
                assertThat(delayed.keySet()).isEqualTo(chosen);
                queuedIsTheDelayedTaskWhileAnotherIsInItsCallback(registry, pools, delayed);
            } finally {
                pools.forEach(BackgroundPool::shutdownNow); // the delayed tasks
            }
        }
    }

    private static void queuedIsTheDelayedTaskWhileAnotherIsInItsCallback(
            SimpleMeterRegistry registry, List<BackgroundPool> pools, Map<String, ScheduledFuture<?>> delayed)
            throws InterruptedException {
        for (BackgroundPool p : pools) {
            CountDownLatch inCallback = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            p.callback(t -> {
                inCallback.countDown();
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            p.run(() -> {});
            try {
                inCallback.await(); // the task has ended, but pending() counts it until its callback returns
                assertThat(registry.get("executor.queued")
                                .tag("name", p.name())
                                .gauge()
                                .value())
                        .as("queued in %s", p.name())
                        .isEqualTo(delayed.containsKey(p.name()) ? 1 : 0);
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * Regression guard: a task ending while the binder closed made its timers after close had
     * removed the meters, and they stayed in the registry.
     */
    @Test
    void noTimerIsLeftInTheRegistryByATaskEndingWhileTheMetricsClose() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool = BackgroundPool.builder().name("closing").n(1).build()) {
            BackgroundMetrics metrics = BackgroundMetrics.of(pool);
            // Closes the binder in the ending thread, as the task's first timer is registered.
            registry.config().onMeterAdded(m -> {
                if ("late".equals(m.getId().getTag("function"))) {
                    metrics.close();
                }
            });
            metrics.bindTo(registry);
            pool.task(() -> 1).named("late").call().result();
            await().atMost(30, TimeUnit.SECONDS).until(() -> pool.pending() == 0); // the listener has returned
            assertThat(registry.getMeters()).as("meters left after close").isEmpty();
        }
    }

    @Test
    void functionNamesPastTheCapAreTimedAsOther() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundPool pool =
                        BackgroundPool.builder().name("capped").n(1).build(); // one worker: names seen in order
                BackgroundMetrics metrics = BackgroundMetrics.of(pool).maxFunctionNames(3)) {
            metrics.bindTo(registry);
            for (int i = 0; i < 10; i++) {
                pool.task(() -> 1).named("f" + i).call().result();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            assertThat(registry.get("executor").timers())
                    .extracting(t -> t.getId().getTag("function"))
                    .containsExactlyInAnyOrder("f0", "f1", "f2", "other");
            assertThat(registry.get("executor").tag("function", "other").timer().count())
                    .isEqualTo(7);
        }
    }

    @Test
    void everyPoolIsMeteredTheOnesBuiltLaterToo() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundMetrics metrics = BackgroundMetrics.ofAllPools()) {
            metrics.bindTo(registry);
            try (BackgroundPool a = BackgroundPool.builder().name("all-a").build();
                    BackgroundPool b = BackgroundPool.builder().name("all-b").build()) {
                Task<Integer> ta = a.run(() -> 1);
                Task<Integer> tb = b.run(() -> 2);
                ta.result();
                tb.result();
            }
            assertThat(registry.get("executor.completed")
                            .tag("name", "all-a")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("executor.completed")
                            .tag("name", "all-b")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
        }
    }

    /**
     * Regression guard: every-pool metrics held each pool they had seen (and its meters) until
     * the binder was closed, so a program that builds a pool per batch kept them all alive.
     */
    @Test
    void everyPoolMetricsKeepNoDroppedPoolAliveAndRemoveItsMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundMetrics metrics = BackgroundMetrics.ofAllPools()) {
            metrics.bindTo(registry);
            WeakReference<BackgroundPool> dropped = useAndClose("dropped-pool");
            assertThat(registry.find("executor.completed")
                            .tag("name", "dropped-pool")
                            .functionCounter())
                    .isNotNull();

            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                System.gc();
                return dropped.get() == null;
            });
            // The next pool's birth sweeps the meters of pools gone meanwhile.
            try (BackgroundPool next =
                    BackgroundPool.builder().name("next-pool").build()) {
                assertThat(next.run(() -> 1).result()).isEqualTo(1);
                assertThat(registry.find("executor.completed")
                                .tag("name", "next-pool")
                                .functionCounter())
                        .isNotNull();
                assertThat(registry.find("executor.completed")
                                .tag("name", "dropped-pool")
                                .meters())
                        .as("the dropped pool's meters")
                        .isEmpty();
                assertThat(registry.find("executor").tag("name", "dropped-pool").meters())
                        .isEmpty();
            }
        }
    }

    /**
     * Regression guard: pools with the same name got the first one's meters from the registry
     * (so the second one's tasks did not show), and the sweep of the first one, collected,
     * removed the meters the second one still used.
     */
    @Test
    void poolsWithTheSameNameShareTheirMetersUntilTheLastIsCollected() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (BackgroundMetrics metrics = BackgroundMetrics.ofAllPools();
                BackgroundPool live = BackgroundPool.builder().name("twin").n(3).build()) {
            metrics.bindTo(registry);
            WeakReference<BackgroundPool> dropped = useAndClose("twin");
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                System.gc();
                return dropped.get() == null;
            });
            try (BackgroundPool sweeper =
                    BackgroundPool.builder().name("sweeper").build()) { // its birth sweeps
                assertThat(registry.find("executor.active")
                                .tag("name", sweeper.name())
                                .gauge())
                        .isNotNull();
                CountDownLatch running = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Task<Integer> task = live.run(() -> {
                    running.countDown();
                    release.await();
                    return 1;
                });
                running.await();
                try {
                    assertThat(registry.find("executor.active")
                                    .tag("name", "twin")
                                    .gauge())
                            .as("the live pool's gauge, after the sweep of its twin")
                            .isNotNull()
                            .satisfies(g -> assertThat(g.value()).isEqualTo(1));
                    assertThat(registry.get("executor.pool.size")
                                    .tag("name", "twin")
                                    .gauge()
                                    .value())
                            .isEqualTo(3);
                } finally {
                    release.countDown();
                }
                assertThat(task.result()).isEqualTo(1);
                assertThat(registry.get("executor.completed")
                                .tag("name", "twin")
                                .functionCounter()
                                .count())
                        .as("the tasks of both pools named twin")
                        .isEqualTo(2);
            }
        }
    }

    /** A pool that ran a task and was closed, referenced only weakly once this returns. */
    private static WeakReference<BackgroundPool> useAndClose(String name) throws Exception {
        try (BackgroundPool pool = BackgroundPool.builder().name(name).n(2).build()) {
            assertThat(pool.run(() -> 1).result()).isEqualTo(1);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            return new WeakReference<>(pool);
        }
    }

    @Test
    void badInputIsRefused() {
        try (BackgroundPool pool = BackgroundPool.builder().name("bad").build()) {
            assertThatNullPointerException()
                    .isThrownBy(() -> BackgroundMetrics.of(null))
                    .withMessage("pool");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> BackgroundMetrics.of(pool).maxFunctionNames(-1));
            BackgroundMetrics bound = BackgroundMetrics.of(pool);
            bound.bindTo(new SimpleMeterRegistry());
            assertThatIllegalStateException().isThrownBy(() -> bound.bindTo(new SimpleMeterRegistry()));
            assertThatIllegalStateException().isThrownBy(() -> bound.maxFunctionNames(5));
            bound.close();
        }
    }
}
