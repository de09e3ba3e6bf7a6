package dev.background.bench.cluster;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cluster kind with many members on this machine: 12 worker JVMs of n = 8, one pool of
 * n = 8, tasks sleeping 200 ms, so the ideal is members × n / 0.2 s. Measures throughput against
 * that ideal, the same while members are drained and added mid-run, and the client's CPU time per
 * task. Prints Markdown for BENCHMARKS.md.
 *
 * <p>Run as {@link ClusterBench} is run, with this class's name (and optionally the number of
 * members and of tasks per round).
 */
public final class ScaleBench {
    private static final int N = 8;
    private static final int SLEEP_MS = 200;

    private ScaleBench() {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        int members = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 4_800;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.builder().members(members).n(N).start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("scale")
                        .n(N)
                        .kind(cluster.kindBuilder().recordSubmitSites(false).build())
                        .build()) {
            System.out.printf(
                    Locale.ROOT, "started %d workers in %.1f s%n", members, (System.nanoTime() - start) / 1e9);
            var sleeper = pool.task((Integer i) -> {
                Thread.sleep(SLEEP_MS);
                return i;
            });
            round(sleeper, members * N * 2); // warm-up
            double ideal = members * N * 1000.0 / SLEEP_MS;

            long cpu0 = os.getProcessCpuTime();
            double steady = round(sleeper, tasks);
            long cpu = os.getProcessCpuTime() - cpu0;

            // The same while two members are drained (SIGTERM) and then started again.
            long t0 = System.nanoTime();
            List<Task<Integer>> ts = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                ts.add(sleeper.apply(i));
            }
            cluster.stop(members - 1);
            cluster.stop(members - 2);
            cluster.restart(members - 1);
            cluster.restart(members - 2);
            for (Task<Integer> t : ts) {
                t.result();
            }
            double churn = tasks / ((System.nanoTime() - t0) / 1e9);

            System.out.println("| measurement | tasks/s | of ideal |");
            System.out.println("|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| %d members × n = %d, %d tasks of %d ms (ideal %.0f/s) | %.0f | %.1f %% |%n",
                    members,
                    N,
                    tasks,
                    SLEEP_MS,
                    ideal,
                    steady,
                    100 * steady / ideal);
            System.out.printf(
                    Locale.ROOT,
                    "| the same, two members drained and restarted mid-run | %.0f | %.1f %% |%n",
                    churn,
                    100 * churn / ideal);
            System.out.printf(
                    Locale.ROOT,
                    "client CPU per task: %.0f µs (%.2f s over %d tasks)%n",
                    cpu / 1e3 / tasks,
                    cpu / 1e9,
                    tasks);
        }
    }

    private static double round(dev.background.function.AsyncFunction<Integer, Integer> f, int count) {
        long t0 = System.nanoTime();
        List<Task<Integer>> ts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ts.add(f.apply(i));
        }
        for (Task<Integer> t : ts) {
            t.result();
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }
}
