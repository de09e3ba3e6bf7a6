package dev.background;

import dev.background.testkit.RetryAndScheduleContract;
import dev.background.testkit.SerializingKind;

/** Retries, delays and periodic tasks through the remote half of the engine SPI. */
class SerializingRetryAndScheduleTest extends RetryAndScheduleContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(SerializingKind.INSTANCE);
    }
}
