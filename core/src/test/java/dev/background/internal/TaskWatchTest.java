package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.Tasks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Removing a wait's end hook ({@link TaskFuture#watch}'s handle), which {@code Tasks.await} does
 * every time it gives up: the removed hook alone goes, wherever it sits among the others, and
 * nothing is left on the task. Deterministic companion of {@link TaskWatchStressTest}.
 */
class TaskWatchTest {
    private final BackgroundPool pool =
            BackgroundPool.builder().name("watch").n(1).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final TaskFuture<?> pending = (TaskFuture<?>) pool.run(() -> release.await());

    @AfterEach
    void close() {
        release.countDown();
        pool.close();
    }

    private static int hooksOn(TaskFuture<?> task) throws ReflectiveOperationException {
        VarHandle watchers = MethodHandles.privateLookupIn(TaskFuture.class, MethodHandles.lookup())
                .findVarHandle(TaskFuture.class, "watchers", Runnable[].class);
        Runnable[] hooks = (Runnable[]) watchers.getVolatile(task);
        return hooks == null ? 0 : hooks.length;
    }

    @Test
    void removingOneHookKeepsTheOthersWhereverItSits() throws Exception {
        AtomicInteger[] runs = {
            new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()
        };
        Runnable[] removers = new Runnable[runs.length];
        for (int i = 0; i < runs.length; i++) {
            removers[i] = pending.watch(runs[i]::incrementAndGet);
        }

        removers[0].run(); // first
        removers[2].run(); // middle
        removers[4].run(); // last
        removers[2].run(); // again: no-op
        assertThat(hooksOn(pending)).isEqualTo(2);
        release.countDown();
        pending.join();

        assertThat(runs).extracting(AtomicInteger::get).containsExactly(0, 1, 0, 1, 0);
    }

    @Test
    void removingAHookOfAnEndedTaskDoesNothing() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Runnable remove = pending.watch(runs::incrementAndGet);
        // Hooks run after the result is visible (join may return first) and in the order added:
        // once the last has run, the task's end has taken them all.
        CountDownLatch hooksRan = new CountDownLatch(1);
        pending.watch(hooksRan::countDown);
        release.countDown();
        hooksRan.await();

        remove.run();

        assertThat(runs.get()).isEqualTo(1);
        AtomicInteger late = new AtomicInteger();
        pending.watch(late::incrementAndGet).run();
        assertThat(late.get()).as("a hook added after the end runs at once").isEqualTo(1);
    }

    @Test
    void waitsThatGiveUpLeaveNoHookOnAPendingTask() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Tasks.Outcome<Task<?>> o = Tasks.await(List.of(pending), Tasks.Until.ALL_COMPLETED, Duration.ofNanos(1));
            assertThat(o.pending()).containsExactly(pending);
        }

        assertThat(hooksOn(pending)).isZero();
    }
}
