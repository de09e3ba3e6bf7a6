package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
