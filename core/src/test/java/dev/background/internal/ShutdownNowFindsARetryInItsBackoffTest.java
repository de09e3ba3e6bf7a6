package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.spi.Job;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guards that {@code shutdownNow} finds a retry waiting out its backoff when the attempt before
 * ran, and failed, inside the timer's hand-off that started it: the hand-off ends after the
 * retry was armed, and must not forget the retry as it forgets itself.
 */
class ShutdownNowFindsARetryInItsBackoffTest {

    /** Runs each job in the thread that hands it on, and tells which thread that was once it ran. */
    static final class RunsInExecute extends StubKind {
        final CompletableFuture<Thread> ranIn = new CompletableFuture<>();

        @Override
        public void execute(Job job) {
            job.run();
            ranIn.complete(Thread.currentThread());
        }

        @Override
        public String name() {
            return "runs-in-execute";
        }
    }

    @Test
    void aRetryArmedDuringTheHandOffOfItsFailedAttemptIsListedAndCancelled() throws InterruptedException {
        var engine = new RunsInExecute();
        var pool = new PoolCore("backoff", engine, 1, 0, List.of(), false);
        var retryInAnHour = new RetryRules(
                3,
                TimeUnit.HOURS.toNanos(1),
                TimeUnit.HOURS.toNanos(1),
                1,
                0,
                List.of(IOException.class),
                List.of(),
                null,
                0,
                null,
                () -> 0);
        TaskFuture<Integer> task = pool.submit(
                () -> {
                    throw new IOException("attempt 1");
                },
                CallOptions.DEFAULT.withDelay(TimeUnit.MILLISECONDS.toNanos(1)).withRetry(retryInAnHour));
        try {
            engine.ranIn.join().join(); // the hand-off thread, and with it the hand-off, has ended
            assertThat(task.attempt()).as("attempt 2 waits out its backoff").isEqualTo(2);

            List<Runnable> neverStarted = pool.shutdownNow();

            assertThat(neverStarted).containsExactly(task);
            assertThat(task.isCancelled()).isTrue();
            assertThat(pool.isTerminated()).as("nothing left to wait for").isTrue();
        } finally {
            task.cancel(false); // the hour's timer, if the pool missed it
        }
    }
}
