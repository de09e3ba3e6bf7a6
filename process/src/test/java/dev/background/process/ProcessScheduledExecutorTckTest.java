package dev.background.process;

import dev.background.BackgroundPool;
import dev.background.testkit.ScheduledExecutorTck;
import java.time.Duration;

/** The JSR-166 TCK's scheduled-executor cases on worker processes: each delayed call runs in a worker. */
class ProcessScheduledExecutorTckTest extends ScheduledExecutorTck {
    private static final ProcessKind KIND =
            ProcessKind.builder().cancelGracePeriod(Duration.ofSeconds(1)).build();

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(KIND);
    }
}
