package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.testkit.LogCapture;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CompletionRunnerTest {

    @RepeatedTest(5)
    void everyCommandFromManyThreadsRunsExactlyOnce() throws InterruptedException {
        int threads = 8;
        int perThread = 50_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        CountDownLatch done = new CountDownLatch(threads * perThread);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 3);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] submitters = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            submitters[t] = Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                for (int i = 0; i < perThread; i++) {
                    int slot = base + i;
                    runner.execute(() -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        runs.incrementAndGet(slot);
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            });
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join();
        }
        assertThat(done.await(30, TimeUnit.SECONDS))
                .as("every command ran; none stranded")
                .isTrue();
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("runs of command %d", i).isEqualTo(1);
        }
        assertThat(mostAtOnce.get()).as("drainers at once").isBetween(1, 3);
    }

    @Test
    void aCommandQueuedWhileTheOnlyDrainerLeavesStillRuns() throws InterruptedException {
        // One command at a time, each queued right after the previous ran: the drainer is
        // leaving each time; no command may be left behind.
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 1);
        for (int i = 0; i < 20_000; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            runner.execute(ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("command %d ran", i).isTrue();
        }
    }

    /**
     * Regression: a callback that blocks on another task's result held the only drainer, and the
     * completion it waited for queued behind it for ever. The engine's tick nudges the runner.
     */
    @Test
    void aCommandBlockedOnALaterOneIsFreedByANudge() throws InterruptedException {
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 8);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        runner.execute(() -> {
            firstRunning.countDown();
            try {
                secondRan.await(); // like a callback calling another task's result()
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            firstDone.countDown();
        });
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        runner.execute(secondRan::countDown);

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    runner.nudge(); // what the engine's tick does
                    return secondRan.getCount() == 0;
                });
        assertThat(firstDone.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aThrowingCommandHarmsNeitherTheDrainerNorTheNextCommands() throws InterruptedException {
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 1);
        CountDownLatch after = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            runner.execute(() -> {
                throw new IllegalStateException("a callback's bug");
            });
            runner.execute(after::countDown);
        }
        assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void runsCommandsOnVirtualThreads() throws InterruptedException {
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 2);
        ConcurrentHashMap<Boolean, Boolean> kinds = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) {
            runner.execute(() -> {
                kinds.put(Thread.currentThread().isVirtual(), true);
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kinds.keySet()).containsExactly(true);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCommandThatThrowsIsLoggedUnderTheLibrarysName() {
        CompletionRunner runner = new CompletionRunner("test-completion", () -> 1);
        try (LogCapture log = LogCapture.start()) {
            runner.execute(() -> {
                throw new IllegalStateException("completion broke");
            });

            await().atMost(Duration.ofSeconds(10)).until(() -> !log.records().isEmpty());
            assertThat(log.records()).singleElement().satisfies(r -> {
                assertThat(r.getLoggerName()).isEqualTo("dev.background.cluster");
                assertThat(r.getThrown()).hasMessage("completion broke");
            });
        }
    }
}
