package dev.background.bench.dashboard;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.dashboard.Dashboard;
import dev.background.function.AsyncFunction;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 * The dashboard's cost per task, end to end: no-op throughput of a pool of platform threads
 * (n = the number of processors) with no dashboard ({@code none}, the baseline) and with a
 * dashboard watching it ({@code dashboard}: every task's submit, start and end go through the
 * pool's listener into the dashboard's counters, on the pool's threads; its ticker aggregates
 * four times a second). A thread submits {@value #BATCH} calls, then waits for them all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DashboardCost {
    static final int BATCH = 10_000;

    @Param({"none", "dashboard"})
    public String watch;

    private BackgroundPool pool;
    private AsyncFunction<Integer, Integer> noOp;
    private @Nullable Dashboard dashboard;
    private final Task<?>[] tasks = new Task<?>[BATCH];

    @Setup(Level.Trial)
    public void open() {
        pool = BackgroundPool.builder()
                .name("bench")
                .n(Runtime.getRuntime().availableProcessors())
                .awaitTasksAtExit(false)
                .build();
        noOp = pool.task((Integer i) -> i).named("noOp");
        dashboard = switch (watch) {
            case "none" -> null;
            case "dashboard" -> Dashboard.builder().pool(pool).start();
            default -> throw new IllegalArgumentException("watch must be none or dashboard, not " + watch);
        };
    }

    @TearDown(Level.Trial)
    public void close() {
        if (dashboard != null) {
            dashboard.close();
        }
        pool.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long noOps() {
        Integer arg = 7;
        for (int i = 0; i < BATCH; i++) {
            tasks[i] = noOp.apply(arg);
        }
        long sum = 0;
        for (Task<?> t : tasks) {
            sum += (Integer) t.result();
        }
        return sum;
    }
}
