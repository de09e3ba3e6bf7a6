package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool's lifecycle as its observers see it, on both in-JVM kinds: {@code isShutdown},
 * {@code isTerminated} and {@code pending} while it is open, callback registrations, and a
 * submit racing {@code shutdown}.
 */
class PoolLifecycleTest {
    private static final long PATIENCE_SECONDS = 30;

    private static BackgroundPool pool(String kind, String name, int n) {
        BackgroundPool.Builder b = BackgroundPool.builder().name(name).n(n).awaitTasksAtExit(false);
        return (kind.equals("virtual") ? b.virtualThreads() : b.threads()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void anOpenPoolIsNeitherShutDownNorTerminatedUntilItIs(String kind) throws Exception {
        BackgroundPool pool = pool(kind, "open-" + kind, 1);
        assertThat(pool.isShutdown()).isFalse();
        assertThat(pool.isTerminated()).isFalse();
        pool.run(() -> 1).result();
        assertThat(pool.isShutdown()).isFalse();
        assertThat(pool.isTerminated()).isFalse();

        CountDownLatch release = new CountDownLatch(1);
        Task<Integer> blocked = pool.run(() -> {
            release.await();
            return 2;
        });
        pool.shutdown();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.isTerminated()).as("a task still runs").isFalse();
        assertThat(pool.awaitTermination(0, TimeUnit.SECONDS)).isFalse();

        release.countDown();
        assertThat(pool.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(blocked.result()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void pendingCountsTasksSubmittedAndNotYetEndedRunningOrQueued(String kind) throws Exception {
        try (BackgroundPool pool = pool(kind, "pending-" + kind, 1)) {
            assertThat(pool.pending()).isZero();
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> running = pool.run(() -> {
                release.await();
                return 1;
            });
            Task<Integer> queued = pool.run(() -> 2);

            assertThat(pool.pending()).isEqualTo(2);
            release.countDown();
            assertThat(Tasks.gather(List.of(running, queued))).containsExactly(1, 2);
            // A task leaves pending() just after its result is visible (after its callbacks).
            Awaitility.await().atMost(Duration.ofSeconds(PATIENCE_SECONDS)).until(() -> pool.pending() == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    @SuppressWarnings("try") // the registration is held for the block, never read
    void closingARegistrationStopsItsCallbackAndClosingItTwiceIsHarmless(String kind) {
        try (BackgroundPool pool = pool(kind, "registration-" + kind, 1)) {
            AtomicInteger closedOne = new AtomicInteger();
            AtomicInteger kept = new AtomicInteger();
            pool.callback(t -> kept.incrementAndGet());
            try (Registration r = pool.callback(t -> closedOne.incrementAndGet())) {
                pool.run(() -> 1).result();
                // Callbacks run after the result is visible: wait for them.
                Awaitility.await()
                        .atMost(Duration.ofSeconds(PATIENCE_SECONDS))
                        .until(() -> kept.get() == 1 && closedOne.get() == 1);
            }
            pool.run(() -> 2).result();
            Registration again = pool.callback(t -> closedOne.incrementAndGet());
            again.close();
            again.close();
            pool.run(() -> 3).result();

            // A task leaves pending() after all its callbacks have run.
            Awaitility.await().atMost(Duration.ofSeconds(PATIENCE_SECONDS)).until(() -> pool.pending() == 0);
            assertThat(closedOne.get()).isEqualTo(1);
            assertThat(kept.get()).isEqualTo(3);
        }
    }

    /**
     * Regression guard: a refused submit counts itself in for a moment; if the pool's last task
     * ends in that moment, the task's end does not see zero and the refused submit is the one
     * that brings the count to zero: it must open the way to termination, or
     * {@code awaitTermination} waits for ever. The window is a few instructions wide, so
     * submitters keep being refused while the last task of a shut-down pool ends, many rounds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aRefusedSubmitThatOutlivesThePoolsLastTaskStillLetsThePoolTerminate(String kind) throws Exception {
        for (int r = 0; r < 200; r++) {
            BackgroundPool pool = pool(kind, "race-" + kind + "-" + r, 1);
            CountDownLatch release = new CountDownLatch(1);
            pool.run(() -> release.await());
            pool.shutdown();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger refused = new AtomicInteger();
            Runnable submitter = () -> {
                while (!stop.get()) {
                    try {
                        pool.run(() -> 0);
                    } catch (RejectedExecutionException expected) {
                        refused.incrementAndGet();
                    }
                }
            };
            Thread a = Thread.ofPlatform().start(submitter);
            Thread b = Thread.ofPlatform().start(submitter);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(PATIENCE_SECONDS))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> refused.get() > 0);

            release.countDown();
            // Terminating an idle pool takes microseconds; a short bound fails a lost drain fast.
            boolean terminated = pool.awaitTermination(5, TimeUnit.SECONDS);
            stop.set(true);
            a.join();
            b.join();

            assertThat(terminated).as("round %d terminates", r).isTrue();
            assertThat(pool.pending()).isZero();
        }
    }

    /** An engine that runs each job on a thread of its own and, like a remote one, interrupts nothing itself. */
    static final class QuietKind implements ExecutorKind {
        @Override
        public String name() {
            return "quiet";
        }

        @Override
        public int defaultN() {
            return 1;
        }

        @Override
        public dev.background.spi.Engine open(String poolName, int n) {
            return new dev.background.spi.Engine() {
                private final java.util.Set<Thread> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

                @Override
                public void execute(dev.background.spi.Job job) {
                    live.add(Thread.ofPlatform().daemon().start(() -> {
                        job.run();
                        live.remove(Thread.currentThread());
                    }));
                }

                @Override
                public void resize(int n) {}

                @Override
                public void shutdown() {}

                @Override
                public List<dev.background.spi.Job> shutdownNow() {
                    return List.of();
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) {
                    return live.isEmpty();
                }

                @Override
                public boolean isTerminated() {
                    return live.isEmpty();
                }
            };
        }
    }

    @org.junit.jupiter.api.Test
    void shutdownNowInterruptsRunningCallsItselfWhenTheEngineDoesNot() throws Exception {
        BackgroundPool pool = BackgroundPool.builder()
                .name("quiet")
                .kind(new QuietKind())
                .awaitTasksAtExit(false)
                .build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Task<Integer> running = pool.run(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return 1;
        });
        assertThat(started.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(pool.shutdownNow()).isEmpty();

        assertThat(interrupted.await(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .as("the running call was interrupted")
                .isTrue();
        assertThat(running.isCancelled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void shutdownNowDoesNotListAQueuedTaskItsCallerHadCompleted(String kind) throws Exception {
        BackgroundPool pool = pool(kind, "completed-queued-" + kind, 1);
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer> running = pool.run(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return 1;
        });
        Task<Integer> completedByCaller = pool.run(() -> 2);
        Task<Integer> queued = pool.run(() -> 3);
        assertThat(started.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        completedByCaller.toCompletableFuture().complete(20);

        List<Runnable> neverStarted = pool.shutdownNow();

        assertThat(neverStarted).containsExactly((Runnable) queued);
        assertThat(completedByCaller.resultNow()).isEqualTo(20);
        assertThat(running.isCancelled()).isTrue();
        assertThat(pool.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** A refused submit while tasks remain must not shut the engine down early under them. */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aRefusedSubmitLeavesTheEngineOpenForCallsStillWaitingAtTheirLimit(String kind) throws Exception {
        BackgroundPool pool = pool(kind, "refused-waiting-" + kind, 2);
        CountDownLatch release = new CountDownLatch(1);
        var limited = pool.task((Integer i) -> {
                    release.await();
                    return i;
                })
                .limit(1);
        Task<Integer> running = limited.apply(1);
        Task<Integer> waiting = limited.apply(2);
        pool.shutdown();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.run(() -> 0))
                .isInstanceOf(RejectedExecutionException.class);
        release.countDown();

        assertThat(Tasks.gather(List.of(running, waiting))).containsExactly(1, 2);
        assertThat(pool.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** An engine that never terminates, and whose waits honour their timeout. */
    static final class StuckKind implements ExecutorKind {
        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public int defaultN() {
            return 1;
        }

        @Override
        public dev.background.spi.Engine open(String poolName, int n) {
            return new dev.background.spi.Engine() {
                @Override
                public void execute(dev.background.spi.Job job) {
                    job.run();
                }

                @Override
                public void resize(int n) {}

                @Override
                public void shutdown() {}

                @Override
                public List<dev.background.spi.Job> shutdownNow() {
                    return List.of();
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                    new CountDownLatch(1).await(timeout, unit);
                    return false;
                }

                @Override
                public boolean isTerminated() {
                    return false;
                }
            };
        }
    }

    @org.junit.jupiter.api.Test
    void awaitTerminationGivesTheEngineOnlyTheTimeLeft() {
        BackgroundPool pool = BackgroundPool.builder()
                .name("stuck")
                .kind(new StuckKind())
                .awaitTasksAtExit(false)
                .build();
        pool.shutdown();

        boolean terminated = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> pool.awaitTermination(50, TimeUnit.MILLISECONDS));

        assertThat(terminated).isFalse();
    }
}
