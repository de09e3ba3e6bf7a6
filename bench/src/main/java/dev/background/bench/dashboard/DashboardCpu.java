package dev.background.bench.dashboard;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.dashboard.Dashboard;
import dev.background.function.AsyncFunction;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's cost per task in CPU time rather than wall time: on a shared machine the wall
 * time of a JMH run follows the other processes' load, while the CPU time this process spends
 * per task does not (much). Runs batches of no-op tasks on a pool of platform threads (n = the
 * number of processors), alternately without and with a dashboard watching it, and prints the
 * process's CPU nanoseconds per task for each, and their difference: the dashboard's cost.
 *
 * <p>{@code bin/bench main dev.background.bench.dashboard.DashboardCpu [tasks per round [rounds]]}
 * (defaults: 500,000 and 5).
 */
public final class DashboardCpu {
    private static final int BATCH = 10_000;

    private DashboardCpu() {}

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Double> none = new ArrayList<>();
        List<Double> watched = new ArrayList<>();
        for (int round = -1; round < rounds; round++) {
            for (boolean dashboard : new boolean[] {false, true}) {
                BackgroundPool pool = BackgroundPool.builder()
                        .name("bench")
                        .n(Runtime.getRuntime().availableProcessors())
                        .awaitTasksAtExit(false)
                        .build();
                Dashboard d = dashboard ? Dashboard.builder().pool(pool).start() : null;
                try {
                    AsyncFunction<Integer, Integer> noOp =
                            pool.task((Integer i) -> i).named("noOp");
                    long cpu = os.getProcessCpuTime();
                    run(noOp, tasks);
                    double perTask = (double) (os.getProcessCpuTime() - cpu) / tasks;
                    // Round -1 warms up the JIT; it is not reported.
                    if (round >= 0) {
                        (dashboard ? watched : none).add(perTask);
                        System.out.printf(
                                Locale.ROOT,
                                "round %d %-9s %8.0f ns CPU per task%n",
                                round,
                                dashboard ? "dashboard" : "none",
                                perTask);
                    }
                } finally {
                    if (d != null) {
                        d.close();
                    }
                    pool.close();
                }
            }
        }
        double a = median(none);
        double b = median(watched);
        System.out.printf(
                Locale.ROOT,
                "median: none %.0f ns, dashboard %.0f ns CPU per task: the dashboard costs %.0f ns (%.2fx)%n",
                a,
                b,
                b - a,
                b / a);
    }

    private static void run(AsyncFunction<Integer, Integer> noOp, int tasks) {
        Integer arg = 7;
        List<Task<Integer>> batch = new ArrayList<>(BATCH);
        for (int done = 0; done < tasks; done += BATCH) {
            batch.clear();
            for (int i = 0; i < BATCH; i++) {
                batch.add(noOp.apply(arg));
            }
            for (Task<Integer> t : batch) {
                t.result();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
