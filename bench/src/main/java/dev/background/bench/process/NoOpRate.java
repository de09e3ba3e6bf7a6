package dev.background.bench.process;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.process.ProcessKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One line per run: no-op throughput (n = 2, default prefetch) and the warm round trip's median,
 * for comparing two builds of the library side by side, one JVM each, alternating, on a shared
 * machine (see BENCHMARKS.md, "Functions sent once"). Compiled against the public API only, so the
 * same source builds against an older library.
 *
 * <p>Run: {@code java -cp <library classes>:<this class> dev.background.bench.process.NoOpRate
 * [tasks]}.
 */
public final class NoOpRate {
    private NoOpRate() {}

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (var pool = BackgroundPool.builder()
                .name("rate")
                .n(2)
                .kind(ProcessKind.processes())
                .keepResults(0)
                .build()) {
            var noop = pool.task((Integer x) -> x);
            run(noop, 20_000); // warm-up, workers started
            long t0 = System.nanoTime();
            run(noop, count);
            double perSecond = count / ((System.nanoTime() - t0) / 1e9);
            long[] trips = new long[5_000];
            for (int i = 0; i < trips.length; i++) {
                long s = System.nanoTime();
                noop.apply(i).result();
                trips[i] = System.nanoTime() - s;
            }
            Arrays.sort(trips);
            System.out.printf(
                    Locale.ROOT,
                    "no-op tasks/s %,9.0f   round trip p50 %6.1f us%n",
                    perSecond,
                    trips[trips.length / 2] / 1e3);
        }
    }

    private static void run(dev.background.function.AsyncFunction<Integer, Integer> noop, int count) {
        List<Task<Integer>> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tasks.add(noop.apply(i));
        }
        long sum = 0;
        for (Task<Integer> t : tasks) {
            sum += t.result();
        }
        if (sum != (long) count * (count - 1) / 2) {
            throw new AssertionError("wrong sum " + sum);
        }
    }
}
