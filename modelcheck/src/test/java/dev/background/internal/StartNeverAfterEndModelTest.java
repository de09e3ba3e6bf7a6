package dev.background.internal;

import dev.background.TaskTimings;
import dev.background.spi.Job;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;

/**
 * Model check that a retried task's timings never show a start after its end: a cancel between
 * two attempts may settle the task while the next attempt is handed on and begins, and that
 * attempt, which then does not run, must leave the start (and where) of the attempt before.
 */
public class StartNeverAfterEndModelTest {
    private final HeldJobs engine = new HeldJobs();
    private final PoolCore pool = inline(engine.pool(t -> {}));
    private final TaskFuture<Integer> task = pool.submit(
            () -> 0,
            CallOptions.DEFAULT.withRetry(
                    new RetryRules(2, 0, 0, 1, 0, List.of(IOException.class), List.of(), null, 0, null, () -> 0)));
    private final AtomicBoolean taken = new AtomicBoolean();
    private volatile boolean attempt2Ran;

    private static PoolCore inline(PoolCore pool) {
        pool.handOffsInline = true; // attempt 2 is queued as attempt 1's failure is reported
        return pool;
    }

    /** A remote engine runs attempt 1, which fails, then attempt 2, which succeeds. */
    @Operation
    public void runBothAttempts() {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        Job attempt1 = engine.poll();
        if (attempt1.start(() -> {}, "attempt-1")) {
            attempt1.fail(new IOException("attempt 1"));
        }
        Job attempt2 = engine.poll();
        if (attempt2 != null && attempt2.start(() -> {}, "attempt-2")) {
            attempt2Ran = true;
            attempt2.succeed(2);
        }
    }

    @Operation
    public void cancel() {
        task.cancel(false);
    }

    @Validate
    public void startedNoLaterThanEnded() {
        TaskTimings t = task.timings();
        if (t.started() != null && t.ended() != null && t.started().isAfter(t.ended())) {
            throw new AssertionError("started " + t.started() + " after it ended " + t.ended());
        }
        if (!attempt2Ran && "attempt-2".equals(t.where())) {
            throw new AssertionError("shows where attempt 2 ran, which never ran");
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
