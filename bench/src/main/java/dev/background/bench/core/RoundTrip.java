package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trip: submit one no-op call, then block for its result. Sampled, so JMH reports the
 * distribution (read {@code p0.50}). Target: background's p50 at most 1.2x raw
 * {@code ThreadPoolExecutor}'s ({@code tpe}). Most of a round trip is waking an idle worker and
 * then waking the waiting caller, so this measures hand-off latency more than bookkeeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RoundTrip {

    @Param({"tpe", "fjp", "vthreads", "bg-run", "bg-task", "bg-vthreads"})
    public String target;

    private Target executor;

    @Setup(Level.Trial)
    public void open() {
        executor = Target.open(target, Runtime.getRuntime().availableProcessors(), Target::identity);
    }

    @TearDown(Level.Trial)
    public void close() {
        executor.close();
    }

    @Benchmark
    public Integer submitAndWait() throws InterruptedException, ExecutionException {
        return executor.submit(Target.ARG).get();
    }
}
