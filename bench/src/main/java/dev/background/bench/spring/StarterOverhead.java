package dev.background.bench.spring;

import dev.background.spring.boot.autoconfigure.BackgroundAutoConfiguration;
import dev.background.spring.boot.autoconfigure.BackgroundPools;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
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
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

/**
 * What the Spring Boot starter costs per task over the pool it wraps: batches of
 * {@value #BATCH} no-op calls submitted and awaited, in nanoseconds per call, through
 * <ul>
 *   <li>{@code pool}: the default pool itself ({@code BackgroundPool.submit}), the baseline;
 *   <li>{@code spring}: the starter's {@code applicationTaskExecutor} (what {@code @Async}
 *       submits to), from a real application context;
 *   <li>{@code spring-decorated}: the same with an application {@link TaskDecorator} (one that
 *       returns the runnable as it is, so the figure is the starter's own wrapping).
 * </ul>
 * All three share one context's default pool (threads, n = number of processors). Target: the
 * starter's figures within the noise of {@code pool}'s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class StarterOverhead {
    static final int BATCH = 10_000;
    private static final Callable<Integer> NO_OP = () -> 42;

    @Param({"pool", "spring", "spring-decorated"})
    public String target;

    private AnnotationConfigApplicationContext context;
    private ExecutorService pool;
    private AsyncTaskExecutor spring;
    private final Future<?>[] futures = new Future<?>[BATCH];

    @Setup(Level.Trial)
    public void open() {
        context = new AnnotationConfigApplicationContext();
        if (target.equals("spring-decorated")) {
            context.registerBean("identityDecorator", TaskDecorator.class, () -> runnable -> runnable);
        }
        context.register(BackgroundAutoConfiguration.class);
        context.refresh();
        pool = context.getBean(BackgroundPools.class).defaultPool();
        spring = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
    }

    @TearDown(Level.Trial)
    public void close() {
        context.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long submitAndAwait() throws InterruptedException, ExecutionException {
        Future<?>[] f = futures;
        if (target.equals("pool")) {
            for (int i = 0; i < f.length; i++) {
                f[i] = pool.submit(NO_OP);
            }
        } else {
            for (int i = 0; i < f.length; i++) {
                f[i] = spring.submit(NO_OP);
            }
        }
        long sum = 0;
        for (Future<?> each : f) {
            sum += (Integer) each.get();
        }
        return sum;
    }
}
