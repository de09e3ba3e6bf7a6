package dev.background;

import dev.background.testkit.ContextContract;

/** Context propagation on platform threads. */
class ThreadsContextTest extends ContextContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().threads().awaitTasksAtExit(false);
    }
}
