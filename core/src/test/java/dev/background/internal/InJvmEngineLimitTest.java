package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.internal.InJvmEnginesTest.PlainJob;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link InJvmEngine} with worker threads the test starts itself, so that each step of a race
 * (a slot taken, n lowered, the worker thread starting) happens in a chosen order.
 */
class InJvmEngineLimitTest {
    private static final long PATIENCE_SECONDS = 30;

    /** Keeps every worker instead of starting a thread for it. */
    static final class HeldWorkersEngine extends InJvmEngine {
        final BlockingQueue<Runnable> workers = new LinkedBlockingQueue<>();

        HeldWorkersEngine(int n) {
            super("held", n);
        }

        @Override
        void startThread(Runnable worker) {
            workers.add(worker);
        }

        @Override
        List<Runnable> interruptWorkers() {
            return List.of();
        }

        Runnable nextWorker() throws InterruptedException {
            Runnable w = workers.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(w).as("a worker was started").isNotNull();
            return w;
        }
    }

    @Test
    void aCallWhoseSlotWasTakenBeforeALoweringDoesNotBeginAboveTheNewN() throws Exception {
        HeldWorkersEngine engine = new HeldWorkersEngine(2);
        CountDownLatch aIn = new CountDownLatch(1), aOut = new CountDownLatch(1);
        engine.execute(new PlainJob("a", () -> {
            aIn.countDown();
            try {
                aOut.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread a = Thread.ofPlatform().start(engine.nextWorker());
        aIn.await();
        AtomicBoolean bRan = new AtomicBoolean();
        CountDownLatch bDone = new CountDownLatch(1);
        engine.execute(new PlainJob("b", () -> {
            bRan.set(true);
            bDone.countDown();
        })); // takes the second slot in this thread; b's worker has not started
        Runnable bWorker = engine.nextWorker();

        engine.resize(1);
        bWorker.run(); // b's worker thread starts only now, while a runs: b must wait

        assertThat(bRan).as("b began while a ran, after n(1) returned").isFalse();
        assertThat(engine.toString()).contains("running=1", "queued=1");
        aOut.countDown();
        assertThat(bDone.await(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .as("b runs once a has ended")
                .isTrue();
        a.join();
    }
}
