package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.testkit.CancelledAsTheyBegin;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
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
            CancelledAsTheyBegin.scheduleCancelAndDrain(pool, threads, perThread);
        }
        assertThat(broken).isEmpty();
        assertThat(placed.get())
                .as("tasks placed on a worker: each was heard started")
                .isEqualTo(started.get());
    }
}
