package dev.background.internal;

import dev.background.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * What {@code results()} lists, in bounded memory: the most recent {@code capacity} submitted
 * tasks, plus every older task that is still pending.
 *
 * <p>Maintainers' overview. The hot path ({@link #add}) is one {@code getAndIncrement}, a read
 * and a CAS on a ring; nothing at all happens when a task ends. A task pushed out of the
 * ring while still pending is appended to {@code older} (one CAS), and stays there after it ends
 * until the next compaction, which drops every ended task. Compactions are amortised: the next
 * one is due after {@code max(ring size, 2 x survivors)} more submits, so {@code older} never
 * holds more than {@code O(pending + capacity)} tasks and each eviction costs O(1) on average.
 * One submitting thread compacts at a time (the CAS of {@code compactAt} to MAX_VALUE elects
 * it); the others go on appending, which {@code ConcurrentLinkedQueue}'s weakly consistent
 * iterator tolerates. {@link #snapshot} is weakly consistent too: a task being moved from the
 * ring to {@code older} may be seen in both (or twice in {@code older}, after a lost CAS), hence
 * the de-duplication by submission number. But it misses no pending task added before it
 * began, which shutdownNow relies on: a pending task enters {@code older} before it leaves the
 * ring (a CAS of the slot from what was read), and the snapshot reads the ring before it walks
 * {@code older}, so a task it does not find in the ring was in {@code older} before the walk
 * began (where the queue's iterator sees it; compaction removes only ended tasks).
 */
final class RecentTasks {
    private static final VarHandle COMPACT_AT;

    static {
        try {
            COMPACT_AT = MethodHandles.lookup().findVarHandle(RecentTasks.class, "compactAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final @Nullable AtomicReferenceArray<TaskFuture<?>> ring;
    private final int mask;
    private final AtomicLong next = new AtomicLong();
    private final ConcurrentLinkedQueue<TaskFuture<?>> older = new ConcurrentLinkedQueue<>();
    /** Submission number at which the next compaction of {@code older} is due. */
    private volatile long compactAt;

    /** @param capacity at least this many recent tasks are kept; 0 keeps none */
    RecentTasks(int capacity) {
        int size = capacity == 0 ? 0 : Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.ring = size == 0 ? null : new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.compactAt = size;
    }

    void add(TaskFuture<?> task) {
        if (ring == null) {
            return;
        }
        long s = next.getAndIncrement();
        task.seq = s;
        int i = (int) (s & mask);
        TaskFuture<?> evicted;
        do { // into older before out of the ring: see the overview
            evicted = ring.get(i);
            if (evicted != null && !evicted.isDone()) {
                older.add(evicted); // again if the CAS fails: a copy is harmless (see snapshot)
            }
        } while (!ring.compareAndSet(i, evicted, task));
        if (s >= compactAt) { // also when nothing is added, so ended tasks never linger
            compact(s);
        }
    }

    private void compact(long s) {
        long due = compactAt;
        if (s < due || !COMPACT_AT.compareAndSet(this, due, Long.MAX_VALUE)) {
            return; // another thread is compacting, or just did
        }
        long survivors = 0;
        for (Iterator<TaskFuture<?>> it = older.iterator(); it.hasNext(); ) {
            if (it.next().isDone()) {
                it.remove();
            } else {
                survivors++;
            }
        }
        compactAt = s + Math.max(mask + 1, 2 * survivors); // mask + 1: the ring's length
    }

    /** For tests: how many tasks {@code older} holds, ended ones included. */
    int olderSize() {
        return older.size();
    }

    List<Task<?>> snapshot() {
        if (ring == null) {
            return List.of();
        }
        List<TaskFuture<?>> all = new ArrayList<>(ring.length());
        for (int i = 0, n = ring.length(); i < n; i++) { // the ring first: see the overview
            TaskFuture<?> t = ring.get(i);
            if (t != null) {
                all.add(t);
            }
        }
        for (TaskFuture<?> t : older) {
            if (!t.isDone()) { // an ended task older than the ring is forgotten
                all.add(t);
            }
        }
        all.sort(Comparator.comparingLong(t -> t.seq));
        List<Task<?>> out = new ArrayList<>(all.size());
        long last = -1;
        for (TaskFuture<?> t : all) {
            if (t.seq != last) {
                out.add(t);
                last = t.seq;
            }
        }
        return List.copyOf(out);
    }
}
