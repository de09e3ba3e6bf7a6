package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.ExecutorKind;
import dev.background.function.CheckedCallable;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-JVM engines on their own, fed plain jobs rather than tasks: what each owes the pool
 * even where the pool's own bookkeeping would hide a lapse (the pool cancels and interrupts the
 * tasks it tracks itself, and {@code TaskFuture} clears the interrupts it sends).
 */
class InJvmEnginesTest {
    private static final long PATIENCE_SECONDS = 30;

    static List<ExecutorKind> kinds() {
        return List.of(ThreadEngine.PLATFORM, ThreadEngine.VIRTUAL);
    }

    /** A job that is only a runnable: no interrupt clearing, no settlement. */
    record PlainJob(String name, Runnable body) implements Job {
        @Override
        public CheckedCallable<?> callable() {
            return () -> {
                body.run();
                return null;
            };
        }

        @Override
        public void run() {
            body.run();
        }

        @Override
        public boolean start(Runnable interrupter) {
            return true;
        }

        @Override
        public void succeed(Object value) {}

        @Override
        public void fail(Throwable error) {}

        @Override
        public boolean isDone() {
            return false;
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void shutdownNowReturnsTheJobsThatNeverStartedAndInterruptsTheRunningOne(ExecutorKind kind) throws Exception {
        Engine engine = kind.open("engine-now-" + kind.name(), 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Job running = new PlainJob("running", () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        AtomicBoolean queuedRan = new AtomicBoolean();
        Job queued1 = new PlainJob("queued1", () -> queuedRan.set(true));
        Job queued2 = new PlainJob("queued2", () -> queuedRan.set(true));
        engine.execute(running);
        assertThat(started.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        engine.execute(queued1);
        engine.execute(queued2);

        List<Job> neverStarted = engine.shutdownNow();

        assertThat(neverStarted).containsExactly(queued1, queued2);
        assertThat(interrupted.await(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .as("the running job was interrupted")
                .isTrue();
        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.isTerminated()).isTrue();
        assertThat(queuedRan.get()).as("a job returned by shutdownNow ran").isFalse();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void raisingNStartsQueuedJobsUpToTheNewNAndNoMore(ExecutorKind kind) throws Exception {
        Engine engine = kind.open("engine-raise-" + kind.name(), 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch twoStarted = new CountDownLatch(2);
        Runnable blocked = () -> {
            twoStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Job third = new PlainJob("third", blocked);
        engine.execute(new PlainJob("first", blocked));
        engine.execute(new PlainJob("second", blocked));
        engine.execute(third);

        engine.resize(2);

        assertThat(twoStarted.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.shutdownNow())
                .as("the job over the new n is still queued")
                .containsExactly(third);
        release.countDown();
        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void shutdownNowOnAnIdleEngineTerminatesItAtOnce(ExecutorKind kind) throws Exception {
        Engine engine = kind.open("engine-idle-now-" + kind.name(), 1);

        assertThat(engine.shutdownNow()).isEmpty();

        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.isTerminated()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aJobThatLeavesItsInterruptStatusSetDoesNotPassItToTheNextJobOfItsThread(ExecutorKind kind) throws Exception {
        Engine engine = kind.open("engine-status-" + kind.name(), 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Thread> firstThread = new AtomicReference<>();
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        AtomicBoolean secondSawInterrupt = new AtomicBoolean(true);
        CountDownLatch secondRan = new CountDownLatch(1);
        engine.execute(new PlainJob("first", () -> {
            firstThread.set(Thread.currentThread());
            try {
                go.await(); // the second job is queued behind this one, for the same thread
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            Thread.currentThread().interrupt(); // and leaves the status set, as careless code does
        }));
        engine.execute(new PlainJob("second", () -> {
            secondThread.set(Thread.currentThread());
            secondSawInterrupt.set(Thread.currentThread().isInterrupted());
            secondRan.countDown();
        }));
        go.countDown();

        assertThat(secondRan.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(secondThread.get()).as("both jobs ran on one thread").isSameAs(firstThread.get());
        assertThat(secondSawInterrupt.get()).isFalse();
        engine.shutdown();
        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void anIdleEngineTerminatesOnShutdownAndRefusesNewJobs(ExecutorKind kind) throws Exception {
        Engine engine = kind.open("engine-idle-" + kind.name(), 2);
        assertThat(engine.isTerminated()).isFalse();
        assertThat(engine.awaitTermination(0, TimeUnit.SECONDS)).isFalse();

        engine.shutdown();

        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.isTerminated()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.execute(new PlainJob("late", () -> {})))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                .hasMessageContaining("engine-idle-" + kind.name());
    }
}
