package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guarantees that {@link dev.background.spi.Job#run()} gives an in-JVM engine on its own,
 * checked with an engine that does nothing extra: one plain thread calling {@code run()} on each
 * job in turn. (ThreadPoolExecutor happens to clear interrupts between tasks itself, which would
 * hide a missing guarantee.)
 */
class BareEngineTest {

    /** One worker thread, a queue, nothing else. */
    static final class BareKind implements ExecutorKind {
        @Override
        public String name() {
            return "bare";
        }

        @Override
        public int defaultN() {
            return 1;
        }

        @Override
        public Engine open(String poolName, int n) {
            LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
            Thread worker = Thread.ofPlatform()
                    .daemon()
                    .name("bare-" + poolName)
                    .start(() -> {
                        while (!stopped.get()) {
                            try {
                                Job next = queue.poll(); // unlike take(), does not consume a pending interrupt
                                (next != null ? next : queue.take()).run();
                            } catch (InterruptedException e) {
                                // a stray interrupt, or shutdown: the loop condition tells
                            }
                        }
                    });
            return new Engine() {
                @Override
                public void execute(Job job) {
                    queue.add(job);
                }

                @Override
                public void resize(int n) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void shutdown() {
                    stopped.set(true);
                    worker.interrupt();
                }

                @Override
                public List<Job> shutdownNow() {
                    List<Job> left = new ArrayList<>();
                    queue.drainTo(left);
                    stopped.set(true);
                    worker.interrupt();
                    return left;
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                    worker.join(unit.toMillis(timeout));
                    return !worker.isAlive();
                }

                @Override
                public boolean isTerminated() {
                    return !worker.isAlive();
                }
            };
        }
    }

    /** Regression: Job.run() must clear an interrupt meant for its task, whatever the engine does. */
    @Test
    void jobRunClearsTheInterruptOfACancelledTaskBeforeTheEngineRunsTheNextJob() throws Exception {
        BackgroundPool pool = BackgroundPool.builder()
                .kind(new BareKind())
                .name("bare")
                .awaitTasksAtExit(false)
                .build();
        try {
            List<Task<Boolean>> probes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                CountDownLatch started = new CountDownLatch(1);
                Task<Boolean> victim = pool.run(() -> {
                    started.countDown();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait();
                    }
                    return true; // ends with its interrupt status set
                });
                probes.add(pool.run(() -> Thread.currentThread().isInterrupted()));
                started.await();
                victim.cancel(true);
            }
            assertThat(Tasks.awaitAll(probes, Duration.ofSeconds(30))).isTrue();
            assertThat(Tasks.gather(probes))
                    .as("the next task starts interrupted")
                    .containsOnly(false);
        } finally {
            pool.shutdownNow();
        }
    }
}
