package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code cancel}, {@code complete} and {@code completeExceptionally} return, and what they
 * leave behind, on tasks in each state: the return values callers branch on (Future's and
 * CompletableFuture's contracts), which the broader contract tests never looked at.
 */
class TaskSettlementTest {
    private final BackgroundPool pool =
            BackgroundPool.builder().name("settle").n(1).build();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        pool.close();
    }

    private Task<Integer> blocked() {
        return pool.run(() -> {
            release.await();
            return 1;
        });
    }

    @Test
    void cancelOnATaskThatHasCompletedReturnsFalseAndLeavesItsResult() {
        Task<Integer> done = pool.run(() -> 1);
        assertThat(done.result()).isEqualTo(1);

        assertThat(done.cancel(true)).isFalse();
        assertThat(done.cancel(false)).isFalse();
        assertThat(done.isCancelled()).isFalse();
        assertThat(done.state()).isEqualTo(Future.State.SUCCESS);
    }

    @Test
    void cancelOnATaskThatWasCancelledReturnsTrueAgain() {
        Task<Integer> t = blocked();

        assertThat(t.cancel(false)).isTrue();
        assertThat(t.cancel(true)).isTrue();
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void completeReturnsTrueOnlyForTheCallThatSettlesTheTask() {
        CompletableFuture<Integer> t = blocked().toCompletableFuture();

        assertThat(t.complete(5)).isTrue();
        assertThat(t.complete(6)).isFalse();
        assertThat(t.completeExceptionally(new IllegalStateException())).isFalse();
        assertThat(t.cancel(true)).isFalse();
        assertThat(t.join()).isEqualTo(5);
    }

    @Test
    void completeExceptionallyReturnsTrueOnlyForTheCallThatSettlesTheTask() {
        CompletableFuture<Integer> t = blocked().toCompletableFuture();
        IllegalStateException first = new IllegalStateException("first");

        assertThat(t.completeExceptionally(first)).isTrue();
        assertThat(t.completeExceptionally(new IllegalStateException("second"))).isFalse();
        assertThat(t.complete(6)).isFalse();
        assertThat(t.exceptionNow()).isSameAs(first);
    }

    @Test
    void aTaskSettledByCompleteCountsAsEndedForItsPoolAtOnce() {
        Task<Integer> t = blocked();
        Task<Integer> queued = pool.run(() -> 2);
        assertThat(pool.pending()).isEqualTo(2);

        t.toCompletableFuture().complete(5);

        assertThat(pool.pending()).isEqualTo(1);
        release.countDown();
        assertThat(queued.result()).isEqualTo(2);
    }

    @Test
    void aNamedTaskGivesItsWorkerItsNameBackWhenItEnds() {
        String plainName = pool.run(() -> Thread.currentThread().getName()).result();

        String namedName = pool.task(() -> Thread.currentThread().getName())
                .named("fetch")
                .call()
                .result();
        String afterwards = pool.run(() -> Thread.currentThread().getName()).result();

        assertThat(namedName).isEqualTo(plainName + "/fetch");
        assertThat(afterwards).as("the same worker, with its own name again").isEqualTo(plainName);
    }

    @Test
    void onDoneReturnsTheTaskItself() {
        Task<Integer> t = pool.run(() -> 1);

        assertThat((Object) t.onDone(x -> {})).isSameAs(t);
    }

    @Test
    void aWaitTooLongToCountInNanosecondsStillWaitsForTheResult() throws Exception {
        Task<Integer> t = blocked();
        java.util.concurrent.atomic.AtomicReference<Object> got = new java.util.concurrent.atomic.AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                got.set(t.result(Duration.ofSeconds(Long.MAX_VALUE)));
            } catch (RuntimeException e) {
                got.set(e);
            }
        });
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> waiter.getState() == Thread.State.TIMED_WAITING || got.get() != null);

        release.countDown();
        waiter.join(Duration.ofSeconds(30));

        assertThat(got.get()).isEqualTo(1);
    }

    @Test
    void aWrappedFunctionIsASupplierOfTasksAndKeepsItsOptionsAtEveryArity() {
        assertThat(pool.task(() -> 1).get().result()).isEqualTo(1);
        Task<Integer> named = pool.task((Integer a, Integer b, Integer c) -> a + b + c)
                .named("tri")
                .apply(1, 2, 3);
        assertThat(named.result()).isEqualTo(6);
        assertThat(named.name()).isEqualTo("tri");
    }

    @Test
    void aTimedWaitInterruptedThrowsTaskExceptionAndKeepsTheInterruptStatus() throws Exception {
        Task<Integer> t = blocked();
        for (java.util.function.Consumer<Task<Integer>> wait : List.<java.util.function.Consumer<Task<Integer>>>of(
                x -> x.result(Duration.ofDays(1)), x -> x.exception(Duration.ofDays(1)))) {
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
                    new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean statusKept = new java.util.concurrent.atomic.AtomicBoolean();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    wait.accept(t);
                } catch (Throwable e) {
                    thrown.set(e);
                    statusKept.set(Thread.currentThread().isInterrupted());
                }
            });
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
            waiter.interrupt();
            waiter.join(Duration.ofSeconds(30));

            assertThat(thrown.get()).isInstanceOf(TaskException.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat(statusKept.get()).isTrue();
        }
    }
}
