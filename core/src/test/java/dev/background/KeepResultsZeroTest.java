package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * keepResults(0), as documented on the builder: results() is off, and shutdownNow() still lists
 * every call that never started, those waiting for a per-function limit included, and leaves no
 * future pending (the pool no longer tracks running calls of functions without a limit, so they
 * end by the engine's interrupt instead of a cancellation).
 */
class KeepResultsZeroTest {

    @Test
    void keepResultsZeroTurnsResultsOffAndShutdownNowStillListsEveryCallThatNeverStarted() throws Exception {
        BackgroundPool pool =
                BackgroundPool.builder().name("nokeep").n(2).keepResults(0).build();
        CountDownLatch started = new CountDownLatch(2);
        var limited = pool.task((Integer i) -> {
                    started.countDown();
                    new CountDownLatch(1).await();
                    return i;
                })
                .limit(1);
        Task<Integer> running = limited.apply(1);
        Task<Integer> waitingForLimit = limited.apply(2);
        Task<Integer> alsoRunning = pool.run(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return 0;
        });
        Task<Integer> queued = pool.run(() -> 5);
        started.await();

        assertThat(pool.results()).isEmpty();
        List<Runnable> neverStarted = pool.shutdownNow();

        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(List.<Object>copyOf(neverStarted)).containsExactlyInAnyOrder(queued, waitingForLimit);
        assertThat(queued.isCancelled()).isTrue();
        assertThat(waitingForLimit.isCancelled()).isTrue();
        assertThat(running.isCancelled())
                .as("a running call of a limited function is known: cancelled")
                .isTrue();
        assertThat(alsoRunning.exceptionNow())
                .as("other running calls get the engine's interrupt")
                .isInstanceOf(InterruptedException.class);
    }
}
