package dev.background.internal;

import dev.background.spi.Job;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;

/**
 * Model check that the time limit of one attempt of a retried call never interrupts the next
 * attempt: the limit's check of the attempt number and its interrupt are two steps, between
 * which attempt 1 may fail and attempt 2 (retried at once) start.
 */
public class StaleTimeLimitModelTest {
    private final HeldJobs engine = new HeldJobs();
    private final PoolCore pool = inline(engine.pool(t -> {}));
    private final TaskFuture<Integer> task = pool.submit(
            () -> 0,
            CallOptions.DEFAULT.withRetry(
                    new RetryRules(2, 0, 0, 1, 0, List.of(IOException.class), List.of(), null, 0, null, () -> 0)));
    private final AtomicBoolean taken = new AtomicBoolean();
    private final AtomicInteger attempt2Interrupts = new AtomicInteger();

    private static PoolCore inline(PoolCore pool) {
        pool.handOffsInline = true; // the retry is queued before attempt 1's failure returns
        return pool;
    }

    /** A remote engine runs attempt 1, which fails, then attempt 2, which succeeds. */
    @Operation
    public void runBothAttempts() {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        Job attempt1 = engine.poll();
        if (attempt1.start(() -> {})) {
            attempt1.fail(new IOException("attempt 1"));
        }
        Job attempt2 = engine.poll();
        if (attempt2 != null && attempt2.start(attempt2Interrupts::incrementAndGet)) {
            attempt2.succeed(2);
        }
    }

    /** The timer's action for the time limit of attempt 1. */
    @Operation
    public void timeLimitOfAttempt1Passes() {
        task.attemptTimedOut(java.util.Objects.requireNonNull(task.rerun), 1);
    }

    @Validate
    public void attempt2WasNeverInterrupted() {
        if (attempt2Interrupts.get() != 0) {
            throw new AssertionError("attempt 1's time limit interrupted attempt 2");
        }
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("modelcheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("modelcheck.invocations", 1_000))
                .threads(2)
                .actorsPerThread(1)
                .actorsBefore(0)
                .actorsAfter(0)
                .verifier(EpsilonVerifier.class)
                .check(getClass());
    }
}
