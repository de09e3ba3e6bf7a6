package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The observation API on the in-JVM kinds: timings, pool listeners, listeners on every pool. */
class ObservationTest {

    private static BackgroundPool pool(String kind, String name, int n) {
        var b = BackgroundPool.builder().name(name).n(n);
        return (kind.equals("virtual") ? b.virtualThreads() : b.threads()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void timingsAreFilledAndAddUp(String kind) throws Exception {
        try (BackgroundPool pool = pool(kind, "timed", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> blocker = pool.run(() -> {
                release.await();
                return 1;
            });
            Task<Integer> queued = pool.task(() -> 2).named("second").call();
            TaskTimings whileQueued = queued.timings();
            assertThat(whileQueued.started()).isNull();
            assertThat(whileQueued.ended()).isNull();
            assertThat(whileQueued.where()).isNull();
            assertThat(whileQueued.runTime()).isZero();
            release.countDown();
            queued.result();
            blocker.result();

            TaskTimings t = queued.timings();
            assertThat(t.started()).isNotNull();
            assertThat(t.ended()).isNotNull();
            assertThat(t.submitted()).isBeforeOrEqualTo(t.started());
            assertThat(t.started()).isBeforeOrEqualTo(t.ended());
            assertThat(t.attempt()).isEqualTo(1);
            assertThat(t.where()).startsWith("background-timed");
            Duration endMinusSubmit = Duration.between(t.submitted(), t.ended());
            assertThat(t.total().minus(endMinusSubmit).abs()).isLessThanOrEqualTo(Duration.ofNanos(1_000));
            assertThat(queued.timings()).isEqualTo(t); // final once ended
        }
    }

    @Test
    void aTaskCancelledWhileQueuedSpentAllItsTimeQueued() throws Exception {
        try (BackgroundPool pool = pool("threads", "cancelled", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            pool.run(() -> release.await());
            Task<Integer> queued = pool.run(() -> 2);
            queued.cancel(false);
            release.countDown();
            TaskTimings t = queued.timings();
            assertThat(t.started()).isNull();
            assertThat(t.ended()).isNotNull();
            assertThat(t.runTime()).isZero();
            assertThat(t.queueWait()).isEqualTo(Duration.between(t.submitted(), t.ended()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aListenerSeesEverySubmitStartAndEndInOrder(String kind) throws Exception {
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (BackgroundPool pool = pool(kind, "listened", 4)) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskSubmitted(BackgroundPool p, Task<?> task) {
                    assertThat(p).isSameAs(pool);
                    seen.add("submitted " + task.name());
                }

                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    assertThat(task.timings().started()).isNotNull();
                    seen.add("started " + task.name());
                }

                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    assertThat(task.isDone()).isTrue();
                    assertThat(task.timings().ended()).isNotNull();
                    seen.add("ended " + task.name());
                }
            });
            pool.task(() -> 1).named("only").call().result();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(seen).containsExactly("submitted only", "started only", "ended only");
    }

    @Test
    void aListenerThatThrowsHarmsNeitherTasksNorOtherListeners() throws Exception {
        AtomicInteger ended = new AtomicInteger();
        try (BackgroundPool pool = pool("threads", "throwing", 2)) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskSubmitted(BackgroundPool p, Task<?> task) {
                    throw new IllegalStateException("listener bug (expected by the test)");
                }

                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    throw new IllegalStateException("listener bug (expected by the test)");
                }
            });
            pool.addListener(new PoolListener() {
                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    ended.incrementAndGet();
                }
            });
            assertThat(pool.run(() -> 7).result()).isEqualTo(7);
        }
        assertThat(ended).hasValue(1);
    }

    @Test
    void aRemovedListenerHearsNothingMore() throws Exception {
        AtomicInteger ended = new AtomicInteger();
        try (BackgroundPool pool = pool("threads", "removed", 2)) {
            Registration r = pool.addListener(new PoolListener() {
                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    ended.incrementAndGet();
                }
            });
            pool.run(() -> 1).result();
            await().until(() -> ended.get() == 1); // listeners run just after the result is set
            r.remove();
            pool.run(() -> 2).result();
        }
        assertThat(ended).hasValue(1);
    }

    @Test
    void aListenerOnEveryPoolSeesExistingAndLaterPoolsAndTheirEvents() throws Exception {
        Queue<String> events = new ConcurrentLinkedQueue<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void poolEvent(PoolEvent e) {
                if (e.pool().name().startsWith("every-")) {
                    events.add(e.type() + " " + e.pool().name() + " n=" + e.n());
                }
            }
        };
        try (BackgroundPool existing = pool("threads", "every-existing", 2)) {
            Registration r = BackgroundPool.addListenerToAllPools(listener);
            assertThat(events).containsExactly("OPENED every-existing n=2");
            try (BackgroundPool later = pool("threads", "every-later", 3)) {
                later.n(5);
            }
            r.remove();
            existing.n(4); // removed: not seen
        }
        assertThat(events)
                .containsExactly(
                        "OPENED every-existing n=2",
                        "OPENED every-later n=3",
                        "N_CHANGED every-later n=5",
                        "SHUT_DOWN every-later n=5");
    }

    @Test
    void registrationChecksItsArguments() {
        try (BackgroundPool pool = pool("threads", "args", 1)) {
            org.assertj.core.api.Assertions.assertThatNullPointerException()
                    .isThrownBy(() -> pool.addListener(null))
                    .withMessageContaining("listener");
            org.assertj.core.api.Assertions.assertThatNullPointerException()
                    .isThrownBy(() -> BackgroundPool.addListenerToAllPools(null))
                    .withMessageContaining("listener");
        }
    }
}
