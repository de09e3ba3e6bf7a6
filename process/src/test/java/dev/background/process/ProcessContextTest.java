package dev.background.process;

import dev.background.BackgroundPool;
import dev.background.testkit.ContextContract;
import java.time.Duration;

/**
 * Context propagation on worker processes: the context travels as strings in the task's frame
 * and the worker restores it with the propagators installed on its class path (the test's
 * {@code RequestPropagator}, listed in core's test resources).
 */
class ProcessContextTest extends ContextContract {
    private static final ProcessKind KIND =
            ProcessKind.builder().cancelGracePeriod(Duration.ofSeconds(1)).build();

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(KIND).awaitTasksAtExit(false);
    }

    @Override
    protected boolean carriesToAnotherJvm() {
        return true;
    }

    @Override
    protected int stressTasksPerSubmitter() {
        return 20; // 160 round trips through 4 worker JVMs on a shared machine
    }
}
