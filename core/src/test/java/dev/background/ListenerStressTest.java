package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.MixedLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** Listeners under many threads: every task seen once per transition; every pool seen once. */
class ListenerStressTest {

    @Test
    void everyTaskIsSubmittedStartedAndEndedOnceWhileManyThreadsSubmit() throws Exception {
        int threads = 8, perThread = 10_000;
        LongAdder submitted = new LongAdder(), started = new LongAdder(), ended = new LongAdder();
        Map<Task<?>, Integer> ends = new ConcurrentHashMap<>();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("stressed").n(4).build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskSubmitted(BackgroundPool p, Task<?> task) {
                    submitted.increment();
                }

                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    started.increment();
                }

                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    ended.increment();
                    ends.merge(task, 1, Integer::sum);
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Throwable> submitFailures = new CopyOnWriteArrayList<>();
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        Task<Integer> task = pool.run(() -> 1);
                        if (i % 97 == 0) {
                            task.cancel(true); // some end without starting, some while they start
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : submitters) {
                t.join();
            }
            assertThat(submitFailures).isEmpty();
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        long total = (long) threads * perThread;
        assertThat(submitted.sum()).isEqualTo(total);
        assertThat(ended.sum()).isEqualTo(total);
        assertThat(ends.values()).allMatch(n -> n == 1);
        assertThat(started.sum()).isBetween(total - total / 97 - threads, total);
        assertThat(ends.keySet())
                .allSatisfy(t -> assertThat(t.timings().started() != null)
                        .as("seen started iff its timings say so")
                        .isEqualTo(t.timings().where() != null));
    }

    /**
     * Runs, as listeners count them, under many threads: plain, retried, periodic and cancelled
     * tasks. Each task has at most one run open, so "running now" (runs started less ended) never
     * exceeds the pool's n; every start gets its end; a task that settles by itself has no run open
     * at its end; and once the pool is idle nothing is counted running.
     */
    @Test
    void everyRunStartedIsEndedOnceAndRunningNeverExceedsNWhileManyThreadsSubmit() throws Exception {
        int n = 4, threads = 8, perThread = 2_000;
        AtomicLong running = new AtomicLong(), highest = new AtomicLong(), starts = new AtomicLong();
        Map<Task<?>, AtomicInteger> open = new ConcurrentHashMap<>();
        List<String> broken = new CopyOnWriteArrayList<>();
        try (BackgroundPool pool = BackgroundPool.builder().name("runs").n(n).build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    starts.incrementAndGet();
                    highest.accumulateAndGet(running.incrementAndGet(), Math::max);
                    if (open.computeIfAbsent(task, t -> new AtomicInteger()).incrementAndGet() != 1) {
                        broken.add("two runs of " + task + " open at once");
                    }
                }

                @Override
                public void runEnded(BackgroundPool p, Task<?> task) {
                    running.decrementAndGet();
                    AtomicInteger o = open.get(task);
                    if (o == null || o.decrementAndGet() != 0) {
                        broken.add("an end of " + task + " without its start");
                    }
                }

                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    AtomicInteger o = open.get(task);
                    if (o != null && o.get() != 0 && !task.isCancelled()) { // a cancel may race a start
                        broken.add(task + " ended with a run open");
                    }
                }
            });
            MixedLoad.submitFromThreadsAndDrain(pool, threads, perThread);
        }
        assertThat(broken).isEmpty();
        assertThat(running.get()).as("running once idle").isZero();
        assertThat(highest.get()).isBetween(1L, (long) n);
        assertThat(starts.get())
                .as("runs: the periodic tasks ran three times each")
                .isGreaterThan((long) threads * perThread / 5 * 3);
        assertThat(open.values()).allMatch(o -> o.get() == 0);
    }

    @Test
    void poolsBuiltWhileListenersRegisterForEveryPoolAreOpenedToEachExactlyOnce() throws Exception {
        int registrars = 8, poolsPerRound = 4;
        for (int round = 0; round < 100; round++) {
            String prefix = "race-" + round + "-";
            List<Map<String, AtomicInteger>> opened = new ArrayList<>();
            List<PoolListener> listeners = new ArrayList<>();
            for (int l = 0; l < registrars; l++) {
                Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
                opened.add(seen);
                listeners.add(new PoolListener() {
                    @Override
                    public void poolEvent(PoolEvent e) {
                        if (e.type() == PoolEvent.Type.OPENED && e.pool().name().startsWith(prefix)) {
                            seen.computeIfAbsent(e.pool().name(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                });
            }
            CountDownLatch go = new CountDownLatch(1);
            List<BackgroundPool> pools = new CopyOnWriteArrayList<>();
            List<Registration> registrations = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                for (int i = 0; i < poolsPerRound; i++) {
                    pools.add(BackgroundPool.builder().name(prefix + i).build());
                }
            }));
            for (PoolListener l : listeners) {
                threads.add(Thread.ofPlatform().start(() -> {
                    awaitQuietly(go);
                    registrations.add(BackgroundPool.addListenerToAllPools(l));
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            registrations.forEach(Registration::remove);
            pools.forEach(BackgroundPool::close);
            for (Map<String, AtomicInteger> seen : opened) {
                assertThat(seen).as("each pool opened to each listener").hasSize(poolsPerRound);
                assertThat(seen.values()).allMatch(n -> n.get() == 1);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
