package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Round trip: submit one no-op call, then block for its result. Sampled, so JMH reports the
 * distribution (read {@code p0.50}). Target: background's p50 at most 1.2x raw
 * {@code ThreadPoolExecutor}'s ({@code tpe}). Most of a round trip is waking an idle worker and
 * then waking the waiting caller, so this measures hand-off latency more than bookkeeping.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoundTrip extends ExecutorBenchmark {

    @Benchmark
    public Integer submitAndWait() throws InterruptedException, ExecutionException {
        return executor.submit(Target.ARG).get();
    }
}
