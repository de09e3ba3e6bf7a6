package dev.background.examples.spring;

import java.time.Duration;
import org.springframework.stereotype.Component;

/** Stands for a remote call that takes 200 ms to answer. */
@Component
class SlowBackend implements Backend {

    static final Duration LATENCY = Duration.ofMillis(200);

    @Override
    public String lookUp(int item) throws InterruptedException {
        Thread.sleep(LATENCY); // the remote call's latency, not synchronisation
        return "item-" + item;
    }
}
