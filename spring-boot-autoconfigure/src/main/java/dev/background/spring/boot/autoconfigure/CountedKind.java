package dev.background.spring.boot.autoconfigure;

import dev.background.ExecutorKind;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote kind (worker processes, cluster) that knows which of its pool's workers or members are
 * present, from what its engine reports: for the health indicator. The engine reports to the pool
 * through this class's events, which pass everything on, so nothing reported is missed, however
 * early (eager workers start while the pool is built). Everything else is the wrapped kind's.
 *
 * <p>One instance per pool (the starter makes a kind per pool). <b>Threads:</b> engine threads
 * report; the set of present workers is concurrent, and a reader sees a moment's count.
 */
final class CountedKind implements ExecutorKind {

    private final ExecutorKind kind;
    /** Workers ready, or members joined, by the name the engine gives them; gone once they die, stop or leave. */
    private final Set<String> present = ConcurrentHashMap.newKeySet();

    CountedKind(ExecutorKind kind) {
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** {@return how many workers are ready, or members joined, at this moment} */
    int present() {
        return present.size();
    }

    @Override
    public String name() {
        return kind.name();
    }

    @Override
    public int defaultN() {
        return kind.defaultN();
    }

    @Override
    public Engine open(String poolName, int n) {
        return open(poolName, n, EngineEvents.NONE);
    }

    @Override
    public Engine open(String poolName, int n, EngineEvents events) {
        return kind.open(poolName, n, new EngineEvents() {
            @Override
            public void workerStarted(String worker) {
                present.add(worker);
                events.workerStarted(worker);
            }

            @Override
            public void workerDied(String worker, String detail) {
                present.remove(worker);
                events.workerDied(worker, detail);
            }

            @Override
            public void workerStopped(String worker, String detail) {
                present.remove(worker);
                events.workerStopped(worker, detail);
            }

            @Override
            public void memberJoined(String member) {
                present.add(member);
                events.memberJoined(member);
            }

            @Override
            public void memberLeft(String member) {
                present.remove(member);
                events.memberLeft(member);
            }
        });
    }

    @Override
    public boolean recordsSubmitSite() {
        return kind.recordsSubmitSite();
    }

    @Override
    public String toString() {
        return kind.toString();
    }
}
