package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Submit cost: nanoseconds per submit of a no-op call, as seen by the submitting thread.
 *
 * <p>Each invocation submits {@value ExecutorBenchmark#BATCH} calls back to back while the workers
 * run them; the wait for them to finish happens in an untimed per-invocation tear-down, so the
 * score is the submit alone (including its contention with the running workers, as in real use).
 * Target: background's submit at most 1.5x raw {@code ThreadPoolExecutor.submit} ({@code tpe}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SubmitCost extends ExecutorBenchmark {

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Future<?>[] submit() {
        return submitBatch();
    }

    /** Untimed: lets the batch finish, so that no invocation starts behind a backlog. */
    @TearDown(Level.Invocation)
    public void drain() throws InterruptedException, ExecutionException {
        awaitBatch();
    }
}
