package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.ExecutorKind;
import dev.background.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The memory bound behind {@code results()}: every pending task is listed however old, but ended
 * tasks older than the ring are dropped, so that what is held stays proportional to the pending
 * tasks plus the ring, not to the number of tasks ever submitted.
 */
class RecentTasksTest {
    private final PoolCore pool = new PoolCore("recent", ExecutorKind.threads(), 1, 0, List.of(), false);

    private TaskFuture<Integer> newTask(int i) {
        return new TaskFuture<>(pool, () -> i, CallOptions.DEFAULT, null);
    }

    @Test
    void endedTasksOlderThanTheRingAreDroppedSoHeldTasksStayBoundedByPendingPlusRing() {
        RecentTasks recent = new RecentTasks(16);
        ArrayDeque<TaskFuture<Integer>> inFlight = new ArrayDeque<>();
        List<TaskFuture<Integer>> forever = new ArrayList<>();
        int window = 5_000, total = 200_000, maxOlder = 0;
        for (int i = 0; i < total; i++) {
            TaskFuture<Integer> t = newTask(i);
            recent.add(t);
            if (i % 1_000 == 0) {
                forever.add(t); // stays pending to the end
            } else {
                inFlight.add(t);
            }
            if (inFlight.size() > window) {
                inFlight.poll().complete(0);
            }
            if (i % 500 == 0) { // size() walks the queue
                maxOlder = Math.max(maxOlder, recent.olderSize());
            }
        }
        int maxPending = window + forever.size();
        assertThat(maxOlder).as("tasks held beyond the ring").isLessThanOrEqualTo(3 * maxPending + 16);

        List<Task<?>> listed = recent.snapshot();
        long pendingListed = listed.stream().filter(t -> !t.isDone()).count();
        assertThat(pendingListed).isEqualTo(forever.size() + inFlight.size());
        assertThat(listed).containsAll(forever).containsAll(inFlight);
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(listed).extracting(t -> ((TaskFuture<?>) t).seq).isSorted();
    }

    /**
     * Regression guard: a pending task pushed out of the ring was in neither the ring nor
     * {@code older} for a moment, so that a snapshot then (shutdownNow's) missed it.
     */
    @Test
    void aSnapshotListsEveryPendingTaskAddedBeforeItWhileOthersAreAdded() throws Exception {
        RecentTasks recent = new RecentTasks(1);
        int adders = 4, each = 3_000;
        List<List<TaskFuture<Integer>>> added = new ArrayList<>();
        AtomicIntegerArray returned = new AtomicIntegerArray(adders); // adds returned, per adder
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < adders; a++) {
            int me = a;
            List<TaskFuture<Integer>> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                mine.add(newTask(i)); // pending for ever
            }
            added.add(mine);
            threads.add(Thread.ofPlatform().start(() -> {
                awaitUninterruptibly(go);
                for (TaskFuture<Integer> t : mine) {
                    recent.add(t);
                    returned.incrementAndGet(me);
                }
            }));
        }
        go.countDown();
        int snapshots = 0;
        boolean adding = true;
        while (adding) {
            adding = threads.stream().anyMatch(Thread::isAlive);
            int[] before = new int[adders];
            for (int a = 0; a < adders; a++) {
                before[a] = returned.get(a);
            }
            Set<Task<?>> listed = Collections.newSetFromMap(new IdentityHashMap<>());
            listed.addAll(recent.snapshot());
            snapshots++;
            for (int a = 0; a < adders; a++) {
                for (int i = 0; i < before[a]; i++) {
                    if (!listed.contains(added.get(a).get(i))) {
                        throw new AssertionError("snapshot " + snapshots + " missed task " + i + " of adder " + a);
                    }
                }
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(recent.snapshot()).hasSize(adders * each);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theMostRecentTasksAreListedEvenWhenEnded() {
        RecentTasks recent = new RecentTasks(8);
        List<TaskFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TaskFuture<Integer> t = newTask(i);
            recent.add(t);
            t.complete(i);
            all.add(t);
        }
        assertThat(recent.snapshot()).containsExactlyElementsOf(all.subList(92, 100));
        assertThat(recent.olderSize()).isZero();
    }

    @Test
    void aPendingTaskPushedOutOfTheRingIsKeptAmongTheOlderOnes() {
        RecentTasks recent = new RecentTasks(8);
        TaskFuture<Integer> pending = newTask(-1);
        recent.add(pending);
        for (int i = 0; i < 8; i++) {
            TaskFuture<Integer> t = newTask(i);
            recent.add(t);
            t.complete(i);
        }

        assertThat(recent.olderSize()).isEqualTo(1);
        assertThat(recent.snapshot()).contains(pending);
    }
}
