package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.InJvmPoolContract;
import org.junit.jupiter.api.Test;

/** The whole contract on platform threads. In another package than the contract on purpose, as other modules' subclasses are. */
class ThreadsContractTest extends InJvmPoolContract {

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().threads();
    }

    @Test
    void runsOnPlatformDaemonThreadsAndDefaultsNToTheProcessorCount() {
        try (BackgroundPool pool = BackgroundPool.builder().build()) {
            assertThat(pool.kind()).isSameAs(ExecutorKind.threads());
            assertThat(pool.n()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(pool.run(() -> Thread.currentThread().isVirtual()).result())
                    .isFalse();
            assertThat(pool.run(() -> Thread.currentThread().isDaemon()).result())
                    .isTrue();
        }
    }
}
