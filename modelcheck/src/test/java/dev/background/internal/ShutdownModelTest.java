package dev.background.internal;

import dev.background.spi.Job;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model check of {@link PoolCore#shutdown()} against submits of a limited function and the ends
 * of running tasks: every interleaving, up to the checker's bounds.
 *
 * <p>Checked: a submit either throws {@link RejectedExecutionException} or its task runs to its
 * result; never a submit that returns normally and a task that then fails because the engine was
 * shut down under it. (That happened when a task's end read the pool's count of unfinished tasks
 * and its shutdown flag in two steps: a shutdown between them drained the engine while a submit
 * that had already counted itself was on its way in.)
 */
public class ShutdownModelTest {
    private final HeldJobs engine = new HeldJobs();
    private final PoolCore pool = engine.pool(t -> {});
    private final CallOptions limited = CallOptions.DEFAULT.withLimit(1);
    private final List<TaskFuture<Integer>> accepted = new CopyOnWriteArrayList<>();

    @Operation
    public void submitLimited() {
        try {
            accepted.add(pool.submit(() -> 1, limited));
        } catch (RejectedExecutionException refusedAtSubmit) {
            // allowed: the submit raced the shutdown and said so
        }
    }

    /** A worker takes the next job handed to the engine, if any, and runs it. */
    @Operation
    public void runOne() {
        Job job = engine.poll();
        if (job != null) {
            job.run();
        }
    }

    @Operation
    public void shutdown() {
        pool.shutdown();
    }

    @Validate
    public void everyAcceptedTaskRan() {
        for (Job job = engine.poll(); job != null; job = engine.poll()) {
            job.run();
        }
        for (TaskFuture<Integer> t : accepted) {
            if (t.state() != Future.State.SUCCESS) {
                throw new AssertionError("a task whose submit returned normally did not run: " + t.state()
                        + (t.state() == Future.State.FAILED ? " with " + t.exceptionNow() : ""));
            }
        }
        if (pool.unfinished() != 0) {
            throw new AssertionError("unfinished " + pool.unfinished());
        }
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("modelcheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("modelcheck.invocations", 1_000))
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(0)
                .check(getClass());
    }
}
