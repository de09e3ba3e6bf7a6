package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Submit cost: nanoseconds per submit of a no-op call, as seen by the submitting thread.
 *
 * <p>Each invocation submits {@value #BATCH} calls back to back while the workers run them; the
 * wait for them to finish happens in an untimed per-invocation tear-down, so the score is the
 * submit alone (including its contention with the running workers, as in real use). Target:
 * background's submit at most 1.5x raw {@code ThreadPoolExecutor.submit} ({@code tpe}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SubmitCost {
    static final int BATCH = 10_000;

    @Param({"tpe", "fjp", "vthreads", "bg-run", "bg-task", "bg-nokeep", "bg-vthreads"})
    public String target;

    private Target executor;
    private final Future<?>[] futures = new Future<?>[BATCH];

    @Setup(Level.Trial)
    public void open() {
        executor = Target.open(target, Runtime.getRuntime().availableProcessors(), Target::identity);
    }

    @TearDown(Level.Trial)
    public void close() {
        executor.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Future<?>[] submit() {
        Target e = executor;
        Future<?>[] f = futures;
        for (int i = 0; i < BATCH; i++) {
            f[i] = e.submit(Target.ARG);
        }
        return f;
    }

    /** Untimed: lets the batch finish, so that no invocation starts behind a backlog. */
    @TearDown(Level.Invocation)
    public void drain() throws InterruptedException, ExecutionException {
        Futures.awaitAll(futures);
    }
}
