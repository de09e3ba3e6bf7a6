package dev.background.internal;

import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model check of the per-function limit ({@link Gate}) with a limit of 1: every interleaving, up
 * to the checker's bounds, of submits, workers running what the engine was handed, and cancels of
 * waiting or running calls.
 *
 * <p>Checked: never more calls at once than the limit, never more jobs handed to the engine and
 * unfinished than the limit; and, once every thread is done and the engine's jobs have run, no
 * call is left waiting at the gate while its permit is free (every task ended), each call ran at
 * most once, and every permit came back.
 */
public class GateModelTest {
    private static final int LIMIT = 1;
    private final HeldJobs engine = new HeldJobs();
    private final PoolCore pool = engine.pool(t -> {});
    private final CallOptions limited = CallOptions.DEFAULT.withLimit(LIMIT);
    private final List<TaskFuture<Integer>> submitted = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();

    @Operation
    public void submit() {
        submitted.add(pool.submit(
                () -> {
                    calls.incrementAndGet();
                    int now = running.incrementAndGet();
                    running.decrementAndGet();
                    if (now > LIMIT) {
                        throw new AssertionError(now + " calls at once, limit " + LIMIT);
                    }
                    return now;
                },
                limited));
        checkEngineHoldsNoMoreThanTheLimit();
    }

    /** A worker takes the next job handed to the engine, if any, and runs it. */
    @Operation
    public void runOne() {
        Job job = engine.poll();
        if (job != null) {
            job.run();
        }
    }

    /** Cancels the oldest task not yet ended, wherever it is: waiting, handed over or running. */
    @Operation
    public void cancelOldest() {
        for (TaskFuture<Integer> t : submitted) {
            if (!t.isDone()) {
                t.cancel(true);
                return;
            }
        }
    }

    private void checkEngineHoldsNoMoreThanTheLimit() {
        if (engine.inEngine.get() > LIMIT) {
            throw new AssertionError(engine.inEngine.get() + " jobs handed to the engine at once, limit " + LIMIT);
        }
    }

    @Validate
    public void nothingIsLeftWaitingAndEveryPermitCameBack() {
        for (Job job = engine.poll(); job != null; job = engine.poll()) {
            job.run();
        }
        for (TaskFuture<Integer> t : submitted) {
            if (!t.isDone()) {
                throw new AssertionError("a task was left waiting at its gate: " + t);
            }
            if (!t.isCancelled() && t.state() != java.util.concurrent.Future.State.SUCCESS) {
                throw new AssertionError("a task failed: " + t.exceptionNow());
            }
        }
        if (calls.get() > submitted.size()) {
            throw new AssertionError(calls + " calls for " + submitted.size() + " tasks");
        }
        if (pool.unfinished() != 0) {
            throw new AssertionError("unfinished " + pool.unfinished());
        }
        // Every permit came back: a new call goes straight to the engine.
        pool.submit(() -> 0, limited.withName("probe")); // same gate: withName keeps it
        if (engine.inEngine.get() != 1) {
            throw new AssertionError("a permit was lost: the next call was not handed to the engine");
        }
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("modelcheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("modelcheck.invocations", 1_000))
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(0)
                .actorsAfter(1)
                .check(getClass());
    }
}
