package dev.background.internal;

import dev.background.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What {@code results()} lists, in bounded memory: the most recent {@code capacity} submitted
 * tasks, plus every older task that is still pending.
 *
 * <p>Maintainers: the hot path ({@link #add}) is one {@code getAndIncrement} and one
 * {@code getAndSet} on a ring. A task pushed out of the ring while still pending moves to
 * {@code overflow} and leaves it when it ends. The race between eviction and ending is closed by
 * volatile flags on both sides (Dekker style): the evictor sets {@code overflowed}, adds, then
 * re-checks {@code isDone()}; the ending side settles first, then reads {@code overflowed}. Either
 * side may remove; removing twice is harmless. {@link #snapshot} is weakly consistent.
 */
final class RecentTasks {
    private final AtomicReferenceArray<TaskFuture<?>> ring;
    private final int mask;
    private final AtomicLong next = new AtomicLong();
    private final Set<TaskFuture<?>> overflow = ConcurrentHashMap.newKeySet();

    /** @param capacity at least this many recent tasks are kept; 0 keeps none */
    RecentTasks(int capacity) {
        int size = capacity == 0 ? 0 : Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.ring = size == 0 ? null : new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    void add(TaskFuture<?> task) {
        if (ring == null) {
            return;
        }
        long s = next.getAndIncrement();
        task.seq = s;
        TaskFuture<?> evicted = ring.getAndSet((int) (s & mask), task);
        if (evicted != null && !evicted.isDone()) {
            evicted.overflowed = true;
            overflow.add(evicted);
            if (evicted.isDone()) {
                overflow.remove(evicted);
            }
        }
    }

    void ended(TaskFuture<?> task) {
        if (task.overflowed) {
            overflow.remove(task);
        }
    }

    List<Task<?>> snapshot() {
        if (ring == null) {
            return List.of();
        }
        List<TaskFuture<?>> all = new ArrayList<>(overflow);
        for (int i = 0, n = ring.length(); i < n; i++) {
            TaskFuture<?> t = ring.get(i);
            if (t != null && !t.overflowed) {
                all.add(t);
            }
        }
        all.sort(Comparator.comparingLong(t -> t.seq));
        return List.copyOf(all);
    }
}
