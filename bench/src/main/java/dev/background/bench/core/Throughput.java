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
 * No-op throughput, end to end: tasks per second when a thread submits a batch of
 * {@value #BATCH} no-op calls and then waits for every one of their futures. Target: background
 * at least 0.7x raw {@code ThreadPoolExecutor} ({@code tpe}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class Throughput {
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
    public long noOps() throws InterruptedException, ExecutionException {
        Target e = executor;
        Future<?>[] f = futures;
        for (int i = 0; i < BATCH; i++) {
            f[i] = e.submit(Target.ARG);
        }
        return Futures.awaitAll(f);
    }
}
