package dev.background.cluster.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A small lock-free pool of objects that are costly to make and not thread-safe (the
 * {@link Sealer}'s ciphers): {@link #take} hands one to one thread at a time, {@link #give} puts
 * it back. Unlike a thread-local, it serves short-lived virtual threads (the client's completion
 * threads) without making one object per thread.
 *
 * <p>Maintainers' overview. Each object is, at any moment, either in exactly one slot or held by
 * exactly one thread: {@link #take} empties a slot with {@code getAndSet(null)}, so two threads
 * cannot take the same object, and {@link #give} fills only an empty slot, with
 * {@code compareAndSet(null, object)}, so an object given back cannot overwrite another. When
 * every slot is empty, take makes a new object; when every slot is full, give drops the object. A
 * thread starts its scan at a slot picked from its id, so threads on different carriers rarely
 * contend for the same slot. A holder that fails half-way should not give its object back (it
 * is dropped, and a new one made later).
 */
final class Pool<T> {
    private final AtomicReferenceArray<@Nullable T> slots;
    private final Supplier<T> maker;

    /**
     * @param size how many idle objects it keeps, at least 1
     * @param maker makes an object when none is idle; called on the taking thread
     */
    Pool(int size, Supplier<T> maker) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, not " + size);
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.maker = Objects.requireNonNull(maker, "maker");
    }

    /** An object for this thread alone until it gives it back; never blocks. */
    T take() {
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            T t = slots.getAndSet((start + i) % n, null);
            if (t != null) {
                return t;
            }
        }
        return maker.get();
    }

    /** Puts back an object taken from this pool, which the calling thread no longer uses. */
    void give(T t) {
        Objects.requireNonNull(t, "t");
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            if (slots.compareAndSet((start + i) % n, null, t)) {
                return;
            }
        }
    }

    private static int start(int n) {
        return (int) (Thread.currentThread().threadId() % n);
    }
}
