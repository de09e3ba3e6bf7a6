package dev.background;

import dev.background.testkit.RetryAndScheduleContract;

/** Retries, delays and periodic tasks on virtualThreads. */
class VirtualThreadsRetryAndScheduleTest extends RetryAndScheduleContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().virtualThreads();
    }
}
