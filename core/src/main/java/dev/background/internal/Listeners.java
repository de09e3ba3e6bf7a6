package dev.background.internal;

import dev.background.PoolEvent;
import dev.background.PoolListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The listeners registered for every pool, and the pools they watch.
 *
 * <p>Maintainers' overview. Registration for every pool and the birth of a pool are rare, so one
 * lock ({@code Listeners.class}) orders them: a pool built while a listener registers either is
 * in {@code pools} when the listener is added to each (and gets it then), or copies the listener
 * from {@code everyPool} when it is born; never both, never neither. {@code pools} holds the pools
 * weakly, so that a pool dropped without {@code close} is not kept alive by being watchable.
 * The hot path never comes here: each {@link PoolCore} keeps its own copy-on-write array, which
 * includes these listeners.
 */
public final class Listeners {
    /** Weak keys: a core and its pool refer to each other, and only to each other, once dropped. */
    private static final Map<PoolCore, Boolean> pools = new WeakHashMap<>();

    private static final List<PoolListener> everyPool = new ArrayList<>();

    private Listeners() {}

    /** Called once by each new pool, with its core attached: it gets the listeners for every pool. */
    static void born(PoolCore core) {
        List<PoolListener> now;
        synchronized (Listeners.class) {
            pools.put(core, Boolean.TRUE);
            now = List.copyOf(everyPool);
            now.forEach(core::addListener);
        }
        // Outside the lock: a listener's own work (building another pool, say) must not deadlock.
        for (PoolListener l : now) {
            core.fire(l, opened(core));
        }
    }

    /** Registers {@code listener} on every pool, existing and future; returns its removal. */
    public static Runnable addToAllPools(PoolListener listener) {
        List<PoolCore> existing;
        synchronized (Listeners.class) {
            everyPool.add(listener);
            existing = List.copyOf(pools.keySet());
            existing.forEach(core -> core.addListener(listener));
        }
        for (PoolCore core : existing) {
            core.fire(listener, opened(core));
        }
        return () -> {
            synchronized (Listeners.class) {
                if (everyPool.remove(listener)) {
                    pools.keySet().forEach(core -> core.removeListener(listener));
                }
            }
        };
    }

    private static PoolEvent opened(PoolCore core) {
        return new PoolEvent(core.owner(), PoolEvent.Type.OPENED, Instant.now(), core.n(), null, "");
    }

    static PoolListener[] with(PoolListener[] all, PoolListener added) {
        PoolListener[] next = Arrays.copyOf(all, all.length + 1);
        next[all.length] = added;
        return next;
    }

    @SuppressWarnings("ReferenceEquality") // a listener is removed as itself, as a callback is
    static PoolListener[] without(PoolListener[] all, PoolListener removed) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == removed) {
                PoolListener[] next = new PoolListener[all.length - 1];
                System.arraycopy(all, 0, next, 0, i);
                System.arraycopy(all, i + 1, next, i, all.length - i - 1);
                return next;
            }
        }
        return all;
    }
}
