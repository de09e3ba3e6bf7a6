package dev.background;

import dev.background.testkit.ScheduledExecutorTck;

/** The JSR-166 TCK's scheduled-executor cases on threads. */
class ThreadsScheduledExecutorTckTest extends ScheduledExecutorTck {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().threads();
    }
}
