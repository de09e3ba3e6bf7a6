package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Registration;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Guards the order of a pool's first events: those its engine reported while it opened, before
 * the pool existed, reach a listener for every pool before any later event, even one that the
 * listener itself causes on hearing that the pool opened.
 */
class EarlyPoolEventsInOrderTest {

    /** Reports a worker started while it opens, as an engine that starts its workers at once does. */
    static final class StartsAWorkerAtOpen implements ExecutorKind {
        @Override
        public String name() {
            return "starts-a-worker-at-open";
        }

        @Override
        public int defaultN() {
            return 1;
        }

        @Override
        public Engine open(String poolName, int n) {
            return new GatePermitTest.HoldingKind();
        }

        @Override
        public Engine open(String poolName, int n, EngineEvents events) {
            events.workerStarted("w1");
            return open(poolName, n);
        }
    }

    @Test
    void eventsReportedWhileThePoolOpenedComeBeforeLaterOnes() {
        String name = "early-events-" + System.nanoTime();
        List<PoolEvent.Type> seen = new CopyOnWriteArrayList<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void poolEvent(PoolEvent event) {
                if (!event.pool().name().equals(name)) {
                    return;
                }
                seen.add(event.type());
                if (event.type() == PoolEvent.Type.OPENED) {
                    event.pool().n(2); // a later event, reported at once
                }
            }
        };
        Registration everyPool = BackgroundPool.addListenerToAllPools(listener);
        try {
            BackgroundPool.builder()
                    .name(name)
                    .kind(new StartsAWorkerAtOpen())
                    .awaitTasksAtExit(false)
                    .build()
                    .shutdown();
        } finally {
            everyPool.remove();
        }

        assertThat(seen).startsWith(PoolEvent.Type.OPENED, PoolEvent.Type.WORKER_STARTED, PoolEvent.Type.N_CHANGED);
    }
}
