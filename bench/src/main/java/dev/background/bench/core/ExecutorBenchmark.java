package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the no-op benchmarks share: a {@link Target} per fork (its raw baseline {@code tpe} first),
 * n = the number of processors, and batches of {@value #BATCH} submits.
 */
@State(Scope.Thread)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public abstract class ExecutorBenchmark {
    static final int BATCH = 10_000;

    @Param({"tpe", "fjp", "vthreads", "bg-run", "bg-task", "bg-nokeep", "bg-vthreads"})
    public String target;

    protected Target executor;
    protected final Future<?>[] futures = new Future<?>[BATCH];

    @Setup(Level.Trial)
    public void open() {
        executor = Target.open(target, Runtime.getRuntime().availableProcessors(), Target::identity);
    }

    @TearDown(Level.Trial)
    public void close() {
        executor.close();
    }

    /** Submits a batch of no-op calls, keeping their futures in {@link #futures}. */
    protected final Future<?>[] submitBatch() {
        Target e = executor;
        Future<?>[] f = futures;
        for (int i = 0; i < f.length; i++) {
            f[i] = e.submit(Target.ARG);
        }
        return f;
    }

    /** Waits for the batch of {@link #submitBatch()}. */
    protected final long awaitBatch() throws InterruptedException, ExecutionException {
        return Futures.awaitAll(futures);
    }
}
