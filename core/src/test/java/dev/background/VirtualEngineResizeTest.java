package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The virtual-thread engine starts a thread per job and lets a thread that ended a job take the
 * next one. These guard the two ways that could break {@code n}: a thread taking more work after n
 * was lowered, and a raise that waits for a running job to end before it starts queued ones.
 */
class VirtualEngineResizeTest {

    @Test
    void afterALoweringThreadsThatEndTheirTaskLeaveInsteadOfTakingQueuedWork() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger blockersRunning = new AtomicInteger();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("lower").virtualThreads().n(4).build()) {
            List<Task<?>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(pool.run(() -> {
                    blockersRunning.incrementAndGet();
                    hold.await();
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> blockersRunning.get() == 4);
            for (int i = 0; i < 40; i++) {
                all.add(pool.run(() -> {
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // room for overlap, if any
                    active.decrementAndGet();
                }));
            }
            pool.n(1);
            hold.countDown(); // the four running tasks end; three of their threads must leave
            Tasks.awaitAll(all);
            assertThat(all).allMatch(t -> t.state() == java.util.concurrent.Future.State.SUCCESS);
        }
        assertThat(maxActive)
                .as("queued tasks running at once after n was lowered to 1")
                .hasValue(1);
    }

    @Test
    void aRaiseStartsQueuedTasksWhileTheRunningOnesStillRun() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch twoMoreStarted = new CountDownLatch(2);
        try (BackgroundPool pool =
                BackgroundPool.builder().name("raise").virtualThreads().n(1).build()) {
            pool.run(() -> hold.await());
            for (int i = 0; i < 2; i++) {
                pool.run(() -> {
                    twoMoreStarted.countDown();
                    hold.await();
                });
            }
            assertThat(twoMoreStarted.getCount()).isEqualTo(2);
            pool.n(3);
            assertThat(twoMoreStarted.await(10, TimeUnit.SECONDS))
                    .as("queued tasks started by the raise")
                    .isTrue();
            hold.countDown();
        }
    }

    @Test
    void anInterruptStatusAJobLeavesSetDoesNotReachTheNextJobOnTheSameThread() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (BackgroundPool pool =
                BackgroundPool.builder().name("stray").virtualThreads().n(1).build()) {
            Task<Void> first = pool.run(() -> {
                hold.await();
                Thread.currentThread().interrupt(); // the usual "restore the status" idiom
            });
            Task<Boolean> second = pool.run(() -> Thread.currentThread().isInterrupted()); // queued behind: same thread
            hold.countDown();
            first.result();
            assertThat(second.result())
                    .as("second job saw the first job's interrupt")
                    .isFalse();
        }
    }

    @Test
    void aTimedOutTaskIsSettledOffTheSharedTimerThread() throws Exception {
        try (BackgroundPool pool =
                BackgroundPool.builder().name("timeouts").n(1).build()) {
            Task<Integer> slow = pool.task(() -> {
                        Thread.sleep(60_000);
                        return 1;
                    })
                    .timeout(Duration.ofMillis(50))
                    .call();
            java.util.concurrent.CompletableFuture<String> settledOn = new java.util.concurrent.CompletableFuture<>();
            slow.onDone(t -> settledOn.complete(Thread.currentThread().getName()));
            assertThat(settledOn.get(10, TimeUnit.SECONDS)).isNotEqualTo("background-timer");
            assertThat(slow.exception()).isInstanceOf(java.util.concurrent.TimeoutException.class);
        }
    }
}
