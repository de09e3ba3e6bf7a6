package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.function.AsyncCallable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The end hooks behind {@code Tasks.await}: each runs exactly once, or never once removed. */
class TaskWatchStressTest {

    @Test
    void hooksAddedFromManyThreadsWhileTasksEndRunExactlyOnce() throws Exception {
        int rounds = 5_000;
        int watchers = 4;
        TaskFuture<?>[] tasks = new TaskFuture<?>[rounds];
        AtomicInteger[] runs = new AtomicInteger[rounds];
        CyclicBarrier together = new CyclicBarrier(watchers + 1); // also publishes tasks[r] and runs[r]
        BackgroundPool pool = BackgroundPool.builder().name("watch-stress").n(2).build();
        AsyncCallable<Integer> quick = pool.task(() -> 1);
        Thread[] threads = new Thread[watchers];
        for (int w = 0; w < watchers; w++) {
            threads[w] = Thread.ofPlatform().start(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        together.await();
                        tasks[r].watch(runs[r]::incrementAndGet); // races the task's end
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (int r = 0; r < rounds; r++) {
            tasks[r] = (TaskFuture<?>) quick.call();
            runs[r] = new AtomicInteger();
            together.await();
        }
        for (Thread t : threads) {
            t.join();
        }
        pool.close(); // every task's end, and so the hooks it took, has run

        for (int r = 0; r < rounds; r++) {
            assertThat(runs[r].get()).as("hooks run for task %d", r).isEqualTo(watchers);
        }
    }

    @Test
    void aRemovedHookNeverRunsAndAKeptOneRunsOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BackgroundPool pool =
                BackgroundPool.builder().name("watch-removed").n(1).build();
        TaskFuture<?> t = (TaskFuture<?>) pool.run(() -> release.await());
        AtomicInteger kept = new AtomicInteger();
        AtomicInteger removed = new AtomicInteger();

        t.watch(kept::incrementAndGet);
        t.watch(removed::incrementAndGet).run();
        release.countDown();
        pool.close();

        assertThat(kept.get()).isEqualTo(1);
        assertThat(removed.get()).isZero();
    }
}
