package dev.background.bench.dashboard;

import dev.background.dashboard.internal.Board;
import dev.background.dashboard.internal.Watcher;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dashboard's aggregation alone: the time one task's three events (submitted, started,
 * ended) take on the board, from one thread ({@code oneThread}) and from two at once
 * ({@code twoThreads}, the workers of a 2-core machine reporting together); and a tick, the
 * four-times-a-second aggregation of the ticker ({@code tickWhileTwoThreadsReport}), measured
 * while two threads keep reporting.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class BoardEvents {
    private static final List<Board.PoolState> POOLS = List.of(new Board.PoolState("bench", "threads", 2, 0, false));

    /** One board for all threads of a trial, as one dashboard serves all of a pool's workers. */
    @State(Scope.Benchmark)
    public static class Shared {
        final Board board = new Board(Watcher::now);
    }

    /** A worker's name per thread, as each worker thread reports its own. */
    @State(Scope.Thread)
    public static class Worker {
        final String name = "worker-" + Thread.currentThread().threadId();
    }

    private static void task(Board board, String worker) {
        long t = System.nanoTime();
        board.submitted("bench", "noOp");
        board.started("bench", "noOp", worker, t);
        board.ended("bench", "noOp", worker, Future.State.SUCCESS, t, t, t + 1_000, null);
    }

    @Benchmark
    @Threads(1)
    public void oneThread(Shared shared, Worker worker) {
        task(shared.board, worker.name);
    }

    @Benchmark
    @Threads(2)
    public void twoThreads(Shared shared, Worker worker) {
        task(shared.board, worker.name);
    }

    @Benchmark
    @Group("ticking")
    @GroupThreads(2)
    public void reportWhileTicking(Shared shared, Worker worker) {
        task(shared.board, worker.name);
    }

    @Benchmark
    @Group("ticking")
    @GroupThreads(1)
    public String tickWhileTwoThreadsReport(Shared shared) {
        return shared.board.tick(POOLS);
    }
}
