package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.spi.Job;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards the per-function limit across a retry: the attempt that failed gives its permit back
 * before the next attempt asks for one, and must not give back the next attempt's permit when
 * that attempt was handed on (at once, with no backoff) before the failed run was over.
 */
class RetryKeepsItsNextAttemptsPermitTest {

    private final GatePermitTest.HoldingKind engine = new GatePermitTest.HoldingKind();
    private final PoolCore pool = new PoolCore("retry-permit", engine, 1, 16, List.of(), false);
    private final RetryRules retryAtOnce =
            new RetryRules(3, 0, 0, 1, 0, List.of(IOException.class), List.of(), null, 0, null, () -> 0);
    private final CallOptions limitOne = CallOptions.DEFAULT.withLimit(1);

    RetryKeepsItsNextAttemptsPermitTest() {
        pool.handOffsInline = true; // the retry's hand-off happens before the failed run returns
    }

    @Test
    void aRemoteRetryHandedOnBeforeTheFailureIsReportedKeepsItsPermit() {
        TaskFuture<Integer> retried = pool.submit(() -> 1, limitOne.withRetry(retryAtOnce));
        Job attempt1 = engine.handed.poll();
        assertThat(attempt1.start(() -> {})).isTrue();

        attempt1.fail(new IOException("attempt 1"));

        assertThat(engine.handed).as("attempt 2, holding the permit").containsExactly(retried);
        TaskFuture<Integer> other = pool.submit(() -> 2, limitOne);
        assertThat(engine.handed)
                .as("the other call waits for the permit attempt 2 holds")
                .containsExactly(retried);
        Job attempt2 = engine.handed.poll();
        assertThat(attempt2.start(() -> {})).isTrue();
        attempt2.succeed(2);
        assertThat(retried.join()).isEqualTo(2);
        assertThat(engine.handed).as("the permit went on at last").containsExactly(other);
    }

    @Test
    void anInJvmRetryHandedOnBeforeItsRunReturnsKeepsItsPermit() {
        int[] calls = {0};
        TaskFuture<Integer> retried = pool.submit(
                () -> {
                    if (++calls[0] == 1) {
                        throw new IOException("attempt 1");
                    }
                    return calls[0];
                },
                limitOne.withRetry(retryAtOnce));

        engine.handed.poll().run();

        assertThat(engine.handed).as("attempt 2, holding the permit").containsExactly(retried);
        TaskFuture<Integer> other = pool.submit(() -> -1, limitOne);
        assertThat(engine.handed)
                .as("the other call waits for the permit attempt 2 holds")
                .containsExactly(retried);
        engine.handed.poll().run();
        assertThat(retried.join()).isEqualTo(2);
        assertThat(engine.handed).as("the permit went on at last").containsExactly(other);
    }
}
