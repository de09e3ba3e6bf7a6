package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code n} is exact on both in-JVM kinds (issue 15, item 1): from the moment {@code n(k)} returns,
 * at most {@code k} calls run at once, except calls already running then, which go on. "At once"
 * is measured by the calls themselves, with a counter of calls inside and latches; a call that
 * must not start is given a short window to do so ({@link #WINDOW}), which can only make a
 * correct pool's test slower, never fail it.
 */
class NExactTest {

    /** How long a call that must not start is given to start anyway. */
    private static final Duration WINDOW = Duration.ofMillis(20);

    private static final long PATIENCE_S = 30;

    private static BackgroundPool pool(String kind, int n) {
        BackgroundPool.Builder b =
                BackgroundPool.builder().name("exact-" + kind).n(n).awaitTasksAtExit(false);
        return (kind.equals("virtual") ? b.virtualThreads() : b.threads()).build();
    }

    /** Calls that count themselves inside, wait for {@link #release}, and note any overlap. */
    private static final class Probe {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final CountDownLatch firstIn = new CountDownLatch(1);
        final CountDownLatch overlap = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final int limit;

        Probe(int limit) {
            this.limit = limit;
        }

        Task<Void> submitTo(BackgroundPool pool) {
            return pool.run(() -> {
                int now = inside.incrementAndGet();
                max.accumulateAndGet(now, Math::max);
                if (now > limit) {
                    overlap.countDown();
                }
                firstIn.countDown();
                try {
                    release.await();
                } finally {
                    inside.decrementAndGet();
                }
            });
        }

        boolean overlapped() throws InterruptedException {
            return overlap.await(WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Regression (issue 15): on platform threads, idle workers woken by a lowering took queued calls. */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aLoweringOnAnIdlePoolHoldsForTheNextCalls(String kind) throws Exception {
        try (BackgroundPool pool = pool(kind, 6)) {
            for (int round = 0; round < 25; round++) {
                pool.n(6);
                CountDownLatch allIn = new CountDownLatch(6); // six workers exist and go idle together
                List<Task<Void>> warm = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    warm.add(pool.run(() -> {
                        allIn.countDown();
                        allIn.await();
                    }));
                }
                Tasks.awaitAll(warm);

                pool.n(1);
                Probe probe = new Probe(1);
                List<Task<Void>> calls = List.of(probe.submitTo(pool), probe.submitTo(pool), probe.submitTo(pool));
                assertThat(probe.firstIn.await(PATIENCE_S, TimeUnit.SECONDS)).isTrue();
                boolean overlapped = probe.overlapped();
                probe.release.countDown();
                assertThat(Tasks.awaitAll(calls, Duration.ofSeconds(PATIENCE_S)))
                        .isTrue();

                assertThat(overlapped)
                        .as("round %d: a second call started while one ran, after n(1) on an idle pool", round)
                        .isFalse();
                assertThat(probe.max).as("round %d", round).hasValue(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void aLoweringWhileCallsRunStartsNoQueuedCallUntilFewerThanTheNewNRun(String kind) throws Exception {
        try (BackgroundPool pool = pool(kind, 3)) {
            AtomicInteger blockersIn = new AtomicInteger();
            List<CountDownLatch> ends = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
            List<Task<Boolean>> blockers = new ArrayList<>();
            for (CountDownLatch end : ends) {
                blockers.add(pool.run(() -> {
                    blockersIn.incrementAndGet();
                    end.await();
                    return Thread.currentThread().isInterrupted();
                }));
            }
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(PATIENCE_S))
                    .until(() -> blockersIn.get() == 3);

            pool.n(1);
            Probe queued = new Probe(1);
            List<Task<Void>> probes = List.of(queued.submitTo(pool), queued.submitTo(pool), queued.submitTo(pool));

            ends.get(0).countDown();
            blockers.get(0).result();
            assertThat(queued.firstIn.await(WINDOW.toNanos(), TimeUnit.NANOSECONDS))
                    .as("a queued call started while two calls ran, n = 1")
                    .isFalse();
            ends.get(1).countDown();
            blockers.get(1).result();
            assertThat(queued.firstIn.await(WINDOW.toNanos(), TimeUnit.NANOSECONDS))
                    .as("a queued call started while one call ran, n = 1")
                    .isFalse();
            ends.get(2).countDown();

            assertThat(Tasks.gather(blockers)).as("lowering interrupts none").containsOnly(false);
            assertThat(queued.firstIn.await(PATIENCE_S, TimeUnit.SECONDS)).isTrue();
            boolean overlapped = queued.overlapped();
            queued.release.countDown();
            assertThat(Tasks.awaitAll(probes, Duration.ofSeconds(PATIENCE_S))).isTrue();
            assertThat(overlapped).isFalse();
            assertThat(queued.max).hasValue(1);
        }
    }

    /**
     * Submitters race a lowering: every call submitted after {@code n(k)} returned checks, when
     * it starts, that at most {@code k} calls are inside, itself included (calls running when n
     * was lowered hold their slots until they end, so they count too).
     */
    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual"})
    void whileSubmittersRaceALoweringNoCallSubmittedAfterItRunsAboveTheNewN(String kind) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxBeforeLowering = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        try (BackgroundPool pool = pool(kind, 4)) {
            var call = pool.task((Integer bound) -> {
                int now = inside.incrementAndGet();
                if (bound == Integer.MAX_VALUE) {
                    maxBeforeLowering.accumulateAndGet(now, Math::max);
                } else if (now > bound) {
                    violations.incrementAndGet();
                }
                LockSupport.parkNanos(20_000); // room for an overlap, if there is one
                if (Thread.currentThread().isInterrupted()) {
                    interrupted.incrementAndGet();
                }
                inside.decrementAndGet();
                return bound;
            });
            for (int round = 0; round < 30; round++) {
                int lowered = 1 + round % 3;
                pool.n(4);
                AtomicInteger bound = new AtomicInteger(Integer.MAX_VALUE); // no bound checked before the lowering
                AtomicInteger submitted = new AtomicInteger();
                List<Task<Integer>> tasks = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> submitters = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    submitters.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 150; i++) {
                            tasks.add(call.apply(bound.get())); // read before the submit: set after n(k) returned
                            submitted.incrementAndGet();
                        }
                    }));
                }
                while (submitted.get() < 60) {
                    Thread.onSpinWait();
                }
                pool.n(lowered);
                bound.set(lowered);
                for (Thread t : submitters) {
                    t.join();
                }
                assertThat(Tasks.awaitAll(tasks, Duration.ofSeconds(PATIENCE_S)))
                        .isTrue();
                assertThat(tasks).allMatch(t -> t.state() == Future.State.SUCCESS);
            }
        }
        assertThat(violations)
                .as("calls submitted after n(k) returned that started with more than k inside")
                .hasValue(0);
        assertThat(interrupted).as("calls interrupted by a change of n").hasValue(0);
        assertThat(maxBeforeLowering.get()).as("the test did run calls at once").isGreaterThan(1);
    }
}
