package dev.background.bench.process;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.Task;
import dev.background.process.ProcessKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The worker-process kind against platform threads, in the same run: worker start-up, round trip
 * of a no-op task, and no-op throughput with n = 2 (several prefetch depths). A harness rather
 * than JMH because the quantities are latency percentiles over many single calls and the time to a
 * first answer from a fresh worker JVM, neither of which fits JMH's forked, per-invocation model.
 *
 * <p>Run: {@code bin/mvnw -q -pl bench -am package -DskipTests} and then
 * {@code java -Xmx1g -cp core/target/classes:process/target/classes:bench/target/classes
 * dev.background.bench.process.ProcessBench [rounds]}.
 */
public final class ProcessBench {
    private ProcessBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf(
                Locale.ROOT,
                "java %s, %d processors%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors());

        // 1. A worker ready: a fresh lazy pool, time to the first answer (spawn, JVM boot, class loading, one round
        // trip).
        long[] firstAnswer = new long[5];
        for (int i = 0; i < firstAnswer.length; i++) {
            try (var pool = BackgroundPool.builder()
                    .name("start")
                    .n(1)
                    .kind(ProcessKind.processes())
                    .build()) {
                long t0 = System.nanoTime();
                pool.task(() -> 1).call().result();
                firstAnswer[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(firstAnswer);
        System.out.printf(
                Locale.ROOT,
                "first answer from a new worker: median %.0f ms (min %.0f, max %.0f)%n",
                firstAnswer[2] / 1e6,
                firstAnswer[0] / 1e6,
                firstAnswer[4] / 1e6);

        for (int r = 1; r <= rounds; r++) {
            System.out.printf("--- round %d%n", r);
            roundTrip("threads", ExecutorKind.threads());
            roundTrip("processes", ProcessKind.processes());
            throughput("threads", ExecutorKind.threads(), 200_000);
            for (int prefetch : new int[] {0, 2, 8, 16, 32}) {
                throughput(
                        "processes prefetch=" + prefetch,
                        ProcessKind.builder().prefetch(prefetch).build(),
                        200_000);
            }
        }
    }

    /** Submit one no-op, wait for it, repeat: p50 and p99 over 20,000 after 5,000 of warm-up. */
    private static void roundTrip(String label, ExecutorKind kind) {
        try (var pool = BackgroundPool.builder()
                .name("rt")
                .n(1)
                .kind(kind)
                .keepResults(0)
                .build()) {
            var noop = pool.task(() -> 0);
            for (int i = 0; i < 5_000; i++) {
                noop.call().result();
            }
            long[] times = new long[20_000];
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                noop.call().result();
                times[i] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            System.out.printf(
                    Locale.ROOT,
                    "round trip %-22s p50 %7.1f us   p90 %7.1f us   p99 %7.1f us%n",
                    label,
                    times[times.length / 2] / 1e3,
                    times[times.length * 9 / 10] / 1e3,
                    times[times.length * 99 / 100] / 1e3);
        }
    }

    /** Submit {@code count} no-ops to n = 2 from one thread and wait for all: tasks per second. */
    private static void throughput(String label, ExecutorKind kind, int count) {
        try (var pool = BackgroundPool.builder()
                .name("tp")
                .n(2)
                .kind(kind)
                .keepResults(0)
                .build()) {
            var noop = pool.task((Integer x) -> x);
            run(noop, 20_000); // warm-up, workers started
            long t0 = System.nanoTime();
            run(noop, count);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "throughput n=2 %-26s %,10.0f tasks/s%n", label, count / seconds);
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
