package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * No-op throughput, end to end: tasks per second when a thread submits a batch of
 * {@value ExecutorBenchmark#BATCH} no-op calls and then waits for every one of their futures.
 * Target: background at least 0.7x raw {@code ThreadPoolExecutor} ({@code tpe}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Throughput extends ExecutorBenchmark {

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long noOps() throws InterruptedException, ExecutionException {
        submitBatch();
        return awaitBatch();
    }
}
