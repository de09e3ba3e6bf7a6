package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncCallable;
import dev.background.function.AsyncFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * shutdownNow() with calls of a limited function queued in the engine (holding the permit) and
 * many more waiting at the function's gate: every task must end, the pool must terminate, and
 * handing the refused waiters back must not recurse once per waiter (a StackOverflowError once).
 */
class ShutdownNowWithLimitsTest {

    @Test
    void shutdownNowEndsCallsWaitingAtALimitAndThePoolTerminates() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        BackgroundPool pool = BackgroundPool.builder()
                .name("limits")
                .n(1)
                .keepResults(0)
                .awaitTasksAtExit(false)
                .build();
        Task<Void> blocker = pool.run(() -> hold.await()); // the only worker is busy
        AsyncFunction<Integer, Integer> limited = pool.task((Integer i) -> i).limit(1);
        List<Task<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // the first holds the permit in the queue, the rest wait at the gate
            calls.add(limited.apply(i));
        }

        pool.shutdownNow();
        hold.countDown();

        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("terminated").isTrue();
        assertThat(pool.pending()).isZero();
        assertThat(calls).allMatch(Task::isDone);
        assertThat(blocker.isDone()).isTrue();
    }

    /** Regression: calls waiting at a limit never started, but shutdownNow() did not list them. */
    @Test
    void shutdownNowListsTheCallsThatWaitedAtALimit() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        BackgroundPool pool = BackgroundPool.builder()
                .name("limits-listed")
                .n(2)
                .awaitTasksAtExit(false)
                .build();
        AsyncCallable<Integer> limited = pool.task(() -> {
                    running.countDown();
                    hold.await();
                    return 1;
                })
                .limit(1);
        Task<Integer> first = limited.call();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        List<Task<Integer>> waiting = List.of(limited.call(), limited.call(), limited.call());

        List<Runnable> neverStarted = pool.shutdownNow();
        hold.countDown();

        assertThat(List.<Object>copyOf(neverStarted))
                .containsExactlyInAnyOrder(waiting.toArray())
                .doesNotContain(first);
        assertThat(waiting).allMatch(Task::isCancelled);
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.state())
                .as("the running call was interrupted (or cancelled first)")
                .isIn(Future.State.FAILED, Future.State.CANCELLED);
    }

    /**
     * Regression: the engine interrupted a running call before the task was marked cancelled, so
     * a call that caught the interrupt and returned could end as a success after shutdownNow().
     */
    @Test
    void aRunningCallThatSwallowsTheInterruptStillEndsCancelled() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (int i = 0; i < 50; i++) {
                BackgroundPool.Builder b =
                        BackgroundPool.builder().name("swallow").n(1).awaitTasksAtExit(false);
                BackgroundPool pool = (virtual ? b.virtualThreads() : b.threads()).build();
                CountDownLatch started = new CountDownLatch(1);
                Task<String> swallower = pool.task(() -> {
                            started.countDown();
                            try {
                                new CountDownLatch(1).await();
                                return "not interrupted";
                            } catch (InterruptedException e) {
                                return "swallowed the interrupt";
                            }
                        })
                        .call();
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

                pool.shutdownNow();

                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                assertThat(swallower.state())
                        .as("virtual=%s, round %d", virtual, i)
                        .isEqualTo(Future.State.CANCELLED);
            }
        }
    }
}
