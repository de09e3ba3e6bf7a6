package dev.background;

import dev.background.testkit.ContextContract;
import dev.background.testkit.SerializingKind;

/** Context propagation through the remote half of the SPI, with the context carried as strings. */
class SerializingContextTest extends ContextContract {
    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(SerializingKind.INSTANCE).awaitTasksAtExit(false);
    }

    @Override
    protected boolean carriesToAnotherJvm() {
        return true;
    }
}
