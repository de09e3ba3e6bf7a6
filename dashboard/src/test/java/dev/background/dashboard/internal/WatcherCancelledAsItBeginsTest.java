package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.internal.observe.TaskNanos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Regression guard: a delayed task cancelled as its first run began ended with a start of 0
 * (the JVM's nanoTime origin, hours before its submit) that the watcher took for a run on an
 * "(unnamed)" worker. Every ended task the watcher places on a worker was heard started there,
 * and started after its submit.
 */
class WatcherCancelledAsItBeginsTest {

    @Test
    void aDelayedTaskCancelledAsItBeginsIsPlacedOnAWorkerOnlyIfItStarted() throws Exception {
        AtomicLong started = new AtomicLong(), placed = new AtomicLong();
        List<String> broken = new CopyOnWriteArrayList<>();
        TaskEvents events = new TaskEvents() {
            @Override
            public void submitted(String pool, String function) {}

            @Override
            public void started(String pool, String function, String worker, long startedNanos) {
                started.incrementAndGet();
            }

            @Override
            public void runEnded(String pool, String function, String worker) {}

            @Override
            public void ended(
                    String pool,
                    String function,
                    @Nullable String worker,
                    Future.State state,
                    long submittedNanos,
                    long startedNanos,
                    long endedNanos,
                    @Nullable Throwable failure) {
                if (worker != null) {
                    placed.incrementAndGet();
                    if (startedNanos < submittedNanos) {
                        broken.add("started " + (submittedNanos - startedNanos) + " ns before its submit on " + worker);
                    }
                }
            }

            @Override
            public void poolEvent(String pool, @Nullable String worker, boolean up, String text) {}
        };
        int threads = 4, perThread = 15_000;
        try (BackgroundPool pool = BackgroundPool.builder()
                .name("cancelled")
                .n(2)
                .listener(new Watcher(events, opened -> {}))
                .build()) {
            Runnable noop = () -> {};
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
                    for (int i = 0; i < perThread; i++) {
                        Task<?> task = (Task<?>) pool.schedule(noop, 1, TimeUnit.NANOSECONDS);
                        // The window is nanoseconds wide: cancels come at once, once the task is
                        // seen begun, or after a spin of up to 20 microseconds.
                        long until =
                                System.nanoTime() + ThreadLocalRandom.current().nextLong(20_000);
                        while ((i % 3 == 1 && TaskNanos.started(task) == 0 && !task.isDone())
                                || (i % 3 == 2 && System.nanoTime() < until)) {
                            Thread.onSpinWait();
                        }
                        task.cancel(interrupt);
                    }
                }));
            }
            go.countDown();
            for (Thread t : cancellers) {
                t.join();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(broken).isEmpty();
        assertThat(placed.get())
                .as("tasks placed on a worker: each was heard started")
                .isEqualTo(started.get());
    }
}
