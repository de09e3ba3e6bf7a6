package dev.background;

import dev.background.testkit.ScheduledExecutorTck;
import dev.background.testkit.SerializingKind;

/** The JSR-166 TCK's scheduled-executor cases through the remote half of the engine SPI. */
class SerializingScheduledExecutorTckTest extends ScheduledExecutorTck {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(SerializingKind.INSTANCE);
    }
}
