package dev.background.spring.boot.autoconfigure;

import dev.background.PoolEvent;
import dev.background.PoolListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which workers or members each remote pool (worker processes, cluster) has present, from the
 * pool events its engine reports: for the health indicator and the endpoint. Given to each remote
 * pool's builder ({@code BackgroundPool.Builder.listener}), so it hears every event, those of
 * eager workers that start while the pool is built included; in-JVM pools do not get it, and so
 * pay nothing for it per task.
 *
 * <p><b>Threads.</b> Engine threads, and the thread that builds a pool, report; the map of pools
 * is filled while the pools are built, and each pool's set is concurrent: a reader sees a
 * moment's count.
 */
final class PresentWorkers implements PoolListener {

    /** Per remote pool, by name: its workers ready or members joined, by the name the engine gives them. */
    private final Map<String, Set<String>> byPool = new ConcurrentHashMap<>();

    /**
     * Counts the pool of this name, which must then be built with this listener.
     *
     * @return this, for the pool's builder
     */
    PoolListener watch(String pool) {
        byPool.computeIfAbsent(pool, p -> ConcurrentHashMap.newKeySet());
        return this;
    }

    /** {@return how many workers or members the pool of this name has at this moment; null if it is not remote} */
    @Nullable
    Integer count(String pool) {
        Set<String> present = byPool.get(pool);
        return present == null ? null : present.size();
    }

    @Override
    public void poolEvent(PoolEvent event) {
        Set<String> present = byPool.get(event.pool().name());
        String worker = event.worker();
        if (present == null || worker == null) {
            return;
        }
        switch (event.type()) {
            case WORKER_STARTED, MEMBER_JOINED -> present.add(worker);
            case WORKER_DIED, WORKER_STOPPED, MEMBER_LEFT -> present.remove(worker);
            default -> {}
        }
    }
}
