package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.Tasks;
import dev.background.function.AsyncCallable;
import dev.background.function.CheckedCallable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The part of the contract that only in-JVM kinds (threads, virtual threads) can keep: tasks that
 * capture latches and other live objects, identity of exceptions, and the threads that run
 * callbacks. Every test here is <b>in-JVM only</b>; kinds that send tasks elsewhere extend
 * {@link PoolContract} instead.
 */
public abstract class InJvmPoolContract extends PoolContract {

    @Test
    void aTaskMayCaptureLiveObjectsOnInJvmKinds() throws Exception {
        BackgroundPool pool = pool(2);
        CountDownLatch started = new CountDownLatch(1), go = new CountDownLatch(1);

        Task<String> t = pool.run(() -> {
            started.countDown();
            go.await();
            return "latched";
        });

        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(t.isDone()).isFalse();
        go.countDown();
        assertThat(t.result()).isEqualTo("latched");
    }

    @Test
    void resultRethrowsTheVeryExceptionTheTaskThrew() {
        BackgroundPool pool = pool(1);
        IllegalStateException thrown = new IllegalStateException("this one");
        CheckedCallable<String> fails = () -> {
            throw thrown;
        };

        Task<String> t = pool.run(fails);

        assertThatThrownBy(t::result).isSameAs(thrown);
        assertThat(t.exception()).isSameAs(thrown);
    }

    @Test
    void poolCallbacksRunInTheWorkerThatEndedTheTaskOrInTheCancellingThread() throws Exception {
        AtomicReference<String> ranIn = new AtomicReference<>();
        BackgroundPool pool = build(newPoolBuilder()
                .n(1)
                .callback(t -> ranIn.set(Thread.currentThread().getName())));
        pool.run(() -> 1).result();
        eventually().until(() -> ranIn.get() != null);
        assertThat(ranIn.get()).startsWith("background-" + pool.name() + "-");

        CountDownLatch started = new CountDownLatch(1);
        Task<String> blocked = pool.run(() -> {
            started.countDown();
            new CountDownLatch(1).await();
            return "never";
        });
        started.await();
        ranIn.set(null);
        blocked.cancel(true);
        assertThat(ranIn.get())
                .as("the cancelling thread ran it before cancel returned")
                .isEqualTo(Thread.currentThread().getName());
    }

    /**
     * As {@code timeout(..)} documents: the task fails at the limit, but a call that ignores the
     * interrupt goes on, holding its worker until it returns, and its late result is dropped.
     */
    @Test
    void aTimedOutCallThatIgnoresTheInterruptHoldsItsWorkerUntilItReturns() {
        BackgroundPool pool = pool(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Task<String> stubborn = pool.task(() -> {
                    while (true) {
                        try {
                            release.await();
                            return "late";
                        } catch (InterruptedException ignored) {
                            interrupted.set(true);
                        }
                    }
                })
                .timeout(SHORT)
                .call();
        Task<String> next = pool.run(() -> "next");

        assertThat(stubborn.exception(PATIENCE)).isInstanceOf(java.util.concurrent.TimeoutException.class);
        eventually().untilTrue(interrupted);
        assertThat(next.isDone())
                .as("the timed-out call still holds the only worker")
                .isFalse();
        release.countDown();
        assertThat(next.result()).isEqualTo("next");
        assertThat(stubborn.exceptionNow()).isInstanceOf(java.util.concurrent.TimeoutException.class);
    }

    /**
     * Regression (issue 9, found by the JSR-166 TCK): an {@code ExecutorCompletionService} hands
     * {@code execute} a {@code FutureTask} of its own. shutdownNow used to return the pool's wrapper
     * instead, so that future was neither run, cancelled nor returned, and nobody could reach it.
     * Now the caller gets it back and may run it elsewhere.
     */
    @Test
    void aFutureTaskGivenToExecuteComesBackFromShutdownNowAndCanStillBeRun() throws Exception {
        BackgroundPool pool = pool(1);
        CountDownLatch started = new CountDownLatch(1);
        pool.run(() -> {
            started.countDown();
            new CountDownLatch(1).await();
        });
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        ExecutorCompletionService<String> completions = new ExecutorCompletionService<>(pool);
        Future<String> queued = completions.submit(() -> "run elsewhere");

        List<Runnable> neverStarted = pool.shutdownNow();

        assertThat(neverStarted).singleElement().isInstanceOf(FutureTask.class).isNotInstanceOf(Task.class);
        neverStarted.get(0).run(); // the caller's own runnable: running it completes the caller's future
        assertThat(completions.poll()).isSameAs(queued);
        assertThat(queued.get()).isEqualTo("run elsewhere");
    }

    /** Regression: same as the portable test, but many more races, with the victim blocked when cancelled. */
    @Test
    void anInterruptFromCancelOfABlockedTaskNeverLeaksIntoTheNextTask() throws Exception {
        BackgroundPool pool = pool(1);
        AsyncCallable<Boolean> probe = pool.task(() -> Thread.currentThread().isInterrupted());
        List<Task<Boolean>> probes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CountDownLatch started = new CountDownLatch(1);
            Task<Object> victim = pool.run(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException swallowed) {
                    // returns normally, as careless user code does; the task must still not leak
                }
                return null;
            });
            probes.add(probe.call());
            started.await();
            victim.cancel(true);
        }
        assertThat(Tasks.gather(probes)).containsOnly(false);
    }
}
