package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.internal.InJvmEnginesTest.PlainJob;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread start that throws after it has handed the worker on (a {@code ThreadPoolExecutor}
 * queues the worker, then fails to start a thread for it: out of memory) must leave exactly one
 * owner of the worker's slot and job: the worker, which runs, or the failed start's clean-up.
 * Given back twice, the slot count went to -1, which is the packed word of a terminated engine.
 */
class WorkerStartFailureTest {
    private static final long PATIENCE_SECONDS = 30;

    /** Hands the worker on, then throws; the worker runs before the throw or only when asked. */
    static class FailingStartEngine extends InJvmEngine {
        final AtomicReference<Runnable> handedOn = new AtomicReference<>();
        volatile boolean runBeforeThrowing;
        volatile boolean failing = true;

        FailingStartEngine() {
            super("failing-start", 1);
        }

        @Override
        void startThread(Runnable worker) {
            if (!failing) {
                Thread.ofPlatform().start(worker);
                return;
            }
            if (runBeforeThrowing) {
                Thread t = Thread.ofPlatform().start(worker);
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                handedOn.set(worker);
            }
            throw new OutOfMemoryError("unable to create native thread (test)");
        }

        @Override
        List<Runnable> interruptWorkers() {
            return List.of();
        }
    }

    @Test
    void aWorkerQueuedByAStartThatThrewDoesNotRunOrGiveItsSlotBackAgain() throws Exception {
        FailingStartEngine engine = new FailingStartEngine();
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> engine.execute(new PlainJob("a", runs::incrementAndGet)))
                .isInstanceOf(OutOfMemoryError.class);

        engine.handedOn.get().run(); // the executor's thread starts after all

        assertThat(runs).as("a submit that failed does not run its job").hasValue(0);
        assertThat(engine.toString()).contains("n=1, running=0");
        stillWorks(engine);
    }

    @Test
    void aWorkerThatRanBeforeItsStartThrewKeepsItsSubmit() throws Exception {
        FailingStartEngine engine = new FailingStartEngine();
        engine.runBeforeThrowing = true;
        AtomicInteger runs = new AtomicInteger();

        assertThatCode(() -> engine.execute(new PlainJob("a", runs::incrementAndGet)))
                .as("its job ran: the submit stands")
                .doesNotThrowAnyException();

        assertThat(runs).hasValue(1);
        assertThat(engine.toString()).contains("n=1, running=0");
        stillWorks(engine);
    }

    @Test
    void aCallQueuedWhileAStartWasFailingIsStartedByTheFailedSubmit() throws Exception {
        CountDownLatch queuedRan = new CountDownLatch(1);
        FailingStartEngine engine = new FailingStartEngine() {
            @Override
            void startThread(Runnable worker) {
                if (failing) {
                    failing = false; // the next start works
                    // Another submit arrives while this start is failing: the slot is taken, so it queues.
                    execute(new PlainJob("queued", queuedRan::countDown));
                    throw new OutOfMemoryError("unable to create native thread (test)");
                }
                super.startThread(worker);
            }
        };

        assertThatThrownBy(() -> engine.execute(new PlainJob("a", () -> {}))).isInstanceOf(OutOfMemoryError.class);

        assertThat(queuedRan.await(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .as("the queued call runs without waiting for another submit")
                .isTrue();
        engine.shutdown();
        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private static void stillWorks(FailingStartEngine engine) throws InterruptedException {
        engine.failing = false;
        CountDownLatch ran = new CountDownLatch(1);
        engine.execute(new PlainJob("b", ran::countDown));
        assertThat(ran.await(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .as("a later job runs")
                .isTrue();
        assertThat(engine.isTerminated()).isFalse();
        engine.shutdown();
        assertThat(engine.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
}
