package dev.background.dashboard.internal;

import dev.background.BackgroundPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The pools a dashboard shows: those it was given, held for its life, and those an all-pools
 * registration announced, held weakly and dropped once terminated (a program that builds a pool
 * per batch does not fill the page with finished ones). Thread-safe: pools are added from the
 * threads that build them and read by the ticker, under this object's lock.
 */
public final class Pools {
    private final List<BackgroundPool> given;
    private final Set<BackgroundPool> announced = Collections.newSetFromMap(new WeakHashMap<>());

    /**
     * @param given the pools given to the dashboard
     */
    public Pools(List<BackgroundPool> given) {
        this.given = List.copyOf(given);
    }

    /**
     * A pool announced by an all-pools registration.
     *
     * @param pool the pool
     */
    public synchronized void announced(BackgroundPool pool) {
        if (!given.contains(pool)) {
            announced.add(pool);
        }
    }

    /**
     * The pools' states now, given ones first, then announced ones by name; forgets announced
     * pools that have terminated.
     *
     * @return the states
     */
    public synchronized List<Board.PoolState> states() {
        announced.removeIf(BackgroundPool::isTerminated);
        List<BackgroundPool> all = new ArrayList<>(given);
        List<BackgroundPool> others = new ArrayList<>(announced);
        others.sort((a, b) -> a.name().compareTo(b.name()));
        all.addAll(others);
        return all.stream()
                .map(p -> new Board.PoolState(p.name(), p.kind().name(), p.n(), p.pending(), p.isShutdown()))
                .toList();
    }
}
