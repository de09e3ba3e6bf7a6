package dev.background;

import dev.background.testkit.ContextContract;

/** Context propagation on virtual threads. */
class VirtualThreadsContextTest extends ContextContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().virtualThreads().awaitTasksAtExit(false);
    }
}
