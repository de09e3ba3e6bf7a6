package dev.background;

import dev.background.testkit.RetryAndScheduleContract;

/** Retries, delays and periodic tasks on threads. */
class ThreadsRetryAndScheduleTest extends RetryAndScheduleContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().threads();
    }
}
