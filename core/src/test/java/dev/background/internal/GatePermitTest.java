package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * A limited function's permit on a remote-style engine, which reports a job's life through
 * {@code start}/{@code succeed}/{@code fail} rather than running it: every way the engine can be
 * done with a job gives the permit back, so the next call goes to the engine.
 */
class GatePermitTest {

    /** Keeps the jobs handed to it; the test plays the remote side. */
    static final class HoldingKind extends StubKind {
        final ConcurrentLinkedQueue<Job> handed = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "holding";
        }

        @Override
        public void execute(Job job) {
            handed.add(job);
        }
    }

    private final HoldingKind engine = new HoldingKind();
    private final PoolCore pool = new PoolCore("permits", engine, 1, 16, List.of(), false);
    private final CallOptions limitOne = CallOptions.DEFAULT.withLimit(1);

    @Test
    void aJobCancelledBeforeTheEngineStartsItGivesItsPermitBack() {
        TaskFuture<Integer> first = pool.submit(() -> 1, limitOne);
        TaskFuture<Integer> second = pool.submit(() -> 2, limitOne);
        assertThat(engine.handed).containsExactly(first);

        first.cancel(false);
        assertThat(engine.handed.poll().start(() -> {}))
                .as("the engine finds it cancelled")
                .isFalse();

        assertThat(engine.handed).as("the permit went to the waiting call").containsExactly(second);
    }

    @Test
    void aJobReportedSucceededOrFailedGivesItsPermitBack() {
        TaskFuture<Integer> first = pool.submit(() -> 1, limitOne);
        TaskFuture<Integer> second = pool.submit(() -> 2, limitOne);
        TaskFuture<Integer> third = pool.submit(() -> 3, limitOne);

        Job job = engine.handed.poll();
        assertThat(job.start(() -> {})).isTrue();
        job.succeed(10);
        assertThat(first.join()).isEqualTo(10);
        assertThat(engine.handed).containsExactly(second);

        job = engine.handed.poll();
        assertThat(job.start(() -> {})).isTrue();
        job.fail(new IllegalStateException("remote"));
        assertThat(second.exceptionNow()).hasMessage("remote");
        assertThat(engine.handed).containsExactly(third);
    }

    @Test
    void aJobTellsTheEngineItsFunctionsTimeLimit() {
        pool.submit(() -> 1, CallOptions.DEFAULT.withTimeout(java.time.Duration.ofSeconds(5)));

        assertThat(engine.handed.poll().timeLimitNanos()).isEqualTo(5_000_000_000L);
    }
}
