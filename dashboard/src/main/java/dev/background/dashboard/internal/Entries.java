package dev.background.dashboard.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The board's entries (functions, workers) by pool and name, at most {@code cap} of them; any
 * more share one overflow entry.
 *
 * <p>Maintainers' overview. Finding an existing entry, the hot path (three times per task), takes
 * two lock-free {@link ConcurrentHashMap} reads and allocates nothing (no key is built from the two
 * names). Adding an entry, and removing some, take this object's lock, which also guards
 * {@code count}; a name that finds no room takes the lock each time it is looked up, which only
 * happens past the cap. An entry removed while a thread that found it still adds to it loses that
 * addition (the board accepts this for idle workers).
 */
final class Entries<E> {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, E>> byPool = new ConcurrentHashMap<>();
    private final int cap;
    private final BiFunction<String, String, E> create;
    private final E overflow;
    private volatile boolean overflowUsed;
    private int count;

    Entries(int cap, BiFunction<String, String, E> create, E overflow) {
        this.cap = cap;
        this.create = create;
        this.overflow = overflow;
    }

    E get(String pool, String name) {
        Map<String, E> byName = byPool.get(pool);
        if (byName != null) {
            E e = byName.get(name);
            if (e != null) {
                return e;
            }
        }
        return add(pool, name);
    }

    private synchronized E add(String pool, String name) {
        ConcurrentHashMap<String, E> byName = byPool.get(pool);
        E e = byName == null ? null : byName.get(name);
        if (e != null) {
            return e;
        }
        if (count >= cap) {
            overflowUsed = true;
            return overflow;
        }
        if (byName == null) {
            byName = new ConcurrentHashMap<>();
            byPool.put(pool, byName);
        }
        e = create.apply(pool, name);
        byName.put(name, e);
        count++;
        return e;
    }

    /** Removes the entries that match; a matching overflow entry is hidden until used again. */
    synchronized void removeIf(Predicate<E> idle) {
        if (overflowUsed && idle.test(overflow)) {
            overflowUsed = false;
        }
        for (Iterator<ConcurrentHashMap<String, E>> pools = byPool.values().iterator(); pools.hasNext(); ) {
            ConcurrentHashMap<String, E> byName = pools.next();
            for (Iterator<E> it = byName.values().iterator(); it.hasNext(); ) {
                if (idle.test(it.next())) {
                    it.remove();
                    count--;
                }
            }
            if (byName.isEmpty()) {
                pools.remove();
            }
        }
    }

    /** Every entry, the overflow one last if a name ever fell into it. */
    List<E> all() {
        List<E> all = new ArrayList<>();
        byPool.values().forEach(byName -> all.addAll(byName.values()));
        if (overflowUsed) {
            all.add(overflow);
        }
        return all;
    }
}
