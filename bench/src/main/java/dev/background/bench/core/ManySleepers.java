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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * I/O-bound fan-out: {@code tasks} tasks that each sleep one second, submitted at once, then
 * waited for; the score is the wall time of one such round (single shot). Background runs them on
 * its virtual-threads kind with {@code n = tasks}; the baseline is the raw virtual-thread-per-task
 * executor. Target: at most 1.3 s for 100,000 tasks, i.e. at most 0.3 s above the sleep itself.
 * {@code tpe-vthreads}, the raw {@code ThreadPoolExecutor} on virtual threads that background's
 * kind is built on, shows how much of the time is that executor's rather than background's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ManySleepers {

    @Param({"vthreads", "tpe-vthreads", "bg-vthreads"})
    public String target;

    @Param("100000")
    public int tasks;

    private Target executor;
    private Future<?>[] futures;

    @Setup(Level.Trial)
    public void open() {
        futures = new Future<?>[tasks];
        executor = Target.open(target, tasks, ManySleepers::sleepOneSecond);
    }

    @TearDown(Level.Trial)
    public void close() {
        executor.close();
    }

    static Integer sleepOneSecond(Integer x) throws InterruptedException {
        Thread.sleep(1_000);
        return x;
    }

    @Benchmark
    public long sleepers() throws InterruptedException, ExecutionException {
        Target e = executor;
        Future<?>[] f = futures;
        for (int i = 0; i < f.length; i++) {
            f[i] = e.submit(Target.ARG);
        }
        return Futures.awaitAll(f);
    }
}
