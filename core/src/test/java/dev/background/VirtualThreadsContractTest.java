package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.InJvmPoolContract;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The whole contract on virtual threads. */
class VirtualThreadsContractTest extends InJvmPoolContract {

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().virtualThreads();
    }

    @Test
    void runsOnVirtualThreadsWithADefaultNSuitedToIoBoundWork() {
        try (BackgroundPool pool = BackgroundPool.builder().virtualThreads().build()) {
            assertThat(pool.kind()).isSameAs(ExecutorKind.virtualThreads());
            assertThat(pool.n()).isEqualTo(1_000);
            assertThat(pool.run(() -> Thread.currentThread().isVirtual()).result())
                    .isTrue();
        }
    }

    @Test
    void thousandsOfBlockedTasksRunAtOnceWhenNAllowsIt() throws Exception {
        int count = 5_000;
        try (BackgroundPool pool =
                BackgroundPool.builder().virtualThreads().n(count).build()) {
            CountDownLatch allStarted = new CountDownLatch(count), go = new CountDownLatch(1);
            var tasks = IntStream.range(0, count)
                    .mapToObj(i -> pool.run(() -> {
                        allStarted.countDown();
                        go.await();
                        return i;
                    }))
                    .toList();

            assertThat(allStarted.await(30, TimeUnit.SECONDS))
                    .as("all blocked at once")
                    .isTrue();
            go.countDown();
            assertThat(Tasks.gather(tasks)).hasSize(count).startsWith(0, 1, 2);
        }
    }
}
