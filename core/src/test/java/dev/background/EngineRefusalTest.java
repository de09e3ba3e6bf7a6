package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.function.AsyncFunction;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An engine that cannot take a job (a remote kind that cannot serialise it, say) must cost that
 * one task a failed future at once: never a hang, never an exception that leaves the task pending
 * and the pool unable to terminate.
 */
class EngineRefusalTest {

    static final class RefusingKind implements ExecutorKind {
        @Override
        public String name() {
            return "refusing";
        }

        @Override
        public int defaultN() {
            return 1;
        }

        @Override
        public Engine open(String poolName, int n) {
            return new Engine() {
                private volatile boolean shutdown;

                @Override
                public void execute(Job job) {
                    throw new IllegalArgumentException("cannot send " + job.name() + ": not serialisable");
                }

                @Override
                public void resize(int n) {}

                @Override
                public void shutdown() {
                    shutdown = true;
                }

                @Override
                public List<Job> shutdownNow() {
                    shutdown = true;
                    return List.of();
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) {
                    return shutdown;
                }

                @Override
                public boolean isTerminated() {
                    return shutdown;
                }
            };
        }
    }

    @Test
    void aJobTheEngineRefusesFailsItsTaskAtOnceAndThePoolStillTerminates() throws Exception {
        BackgroundPool pool = BackgroundPool.builder()
                .kind(new RefusingKind())
                .awaitTasksAtExit(false)
                .build();
        Task<Integer> plain = pool.task((Integer i) -> i).named("plain").apply(1);
        AsyncFunction<Integer, Integer> limitedFn =
                pool.task((Integer i) -> i).named("limited").limit(1);
        Task<Integer> limited = limitedFn.apply(2);

        assertThat(plain.exceptionNow())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain");
        assertThat(limited.exceptionNow())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limited");
        assertThat(pool.pending()).isZero();
        // The limited function's permit came back: a second call is refused too, not parked forever.
        Task<Integer> again = limitedFn.apply(3);
        assertThat(again.isDone()).isTrue();
        assertThat(again.exceptionNow()).isInstanceOf(IllegalArgumentException.class);

        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
