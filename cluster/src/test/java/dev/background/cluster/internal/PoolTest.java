package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sealer's pool of ciphers: never one object in two threads' hands at once. */
class PoolTest {
    /** Stands for a cipher: records whether two threads ever held it at once. */
    static final class Probe {
        final AtomicBoolean held = new AtomicBoolean();
        final AtomicInteger uses = new AtomicInteger();
    }

    @Test
    void anObjectIsNeverHeldByTwoThreadsAtOnceUnderAStressFromManyThreads() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Pool<Probe> pool = new Pool<>(4, () -> {
            made.incrementAndGet();
            return new Probe();
        });
        int threads = 16;
        int rounds = 20_000;
        ConcurrentLinkedQueue<String> overlaps = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        // Platform and virtual threads, as on a member (Hazelcast's) and on a client (completions).
        try (ExecutorService platform = Executors.newFixedThreadPool(threads / 2);
                ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                ExecutorService on = t % 2 == 0 ? platform : virtual;
                done.add(on.submit(() -> {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        Probe p = pool.take();
                        if (!p.held.compareAndSet(false, true)) {
                            overlaps.add(Thread.currentThread() + " took a probe another thread held");
                        }
                        for (int k = 0; k < 32; k++) { // hold it a while, as a seal does
                            p.uses.incrementAndGet();
                        }
                        if (!p.held.compareAndSet(true, false)) {
                            overlaps.add(Thread.currentThread() + " found its probe released by another");
                        }
                        pool.give(p);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(overlaps).isEmpty();
        // It reuses: far fewer objects than uses (each thread makes at most one per take that finds
        // every slot empty).
        assertThat(made.get()).isLessThan(threads * rounds / 10);
    }

    @Test
    void oneThreadGetsTheSameObjectBackAndAFullPoolDropsTheExtra() {
        AtomicInteger made = new AtomicInteger();
        Pool<Probe> pool = new Pool<>(1, () -> {
            made.incrementAndGet();
            return new Probe();
        });
        Probe a = pool.take();
        Probe b = pool.take();
        assertThat(b).isNotSameAs(a);
        pool.give(a);
        pool.give(b); // no room: dropped
        assertThat(pool.take()).isSameAs(a);
        assertThat(pool.take()).isNotSameAs(b);
        assertThat(made.get()).isEqualTo(3);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new Pool<>(0, Probe::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> new Pool<Probe>(1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("maker");
    }
}
