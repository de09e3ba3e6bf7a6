package dev.background.bench.cluster;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.AsyncFunction;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster kind with many members on this machine: by default 12 worker JVMs of n = 8 and one
 * pool of n = 8 (per member), tasks sleeping 200 ms, so the ideal is members × n / 0.2 s (480
 * tasks/s). Measures, and prints as Markdown for BENCHMARKS.md:
 *
 * <ul>
 *   <li>the workers' start-up (a few at a time, with a shared class data archive, so that a dozen
 *       JVMs join reliably on two cores);
 *   <li>what an idle cluster costs: CPU per second of the client and of the members (heartbeats,
 *       membership, Hazelcast's housekeeping), which grows with the number of members;
 *   <li>several rounds of a flood of sleeping tasks: throughput against the ideal, and CPU per task
 *       of the client (this JVM's process CPU) and of all the members ({@code /proc} through
 *       {@link ProcessHandle.Info#totalCpuDuration()});
 *   <li>a longer flood while two members are drained (SIGTERM) and started again, one after the
 *       other: throughput against the full ideal and against the capacity that was actually there
 *       (member-seconds joined, from each member's drain to its rejoining), failures and resends.
 * </ul>
 *
 * <p>Then the figures that the model for 100 members in BENCHMARKS.md takes.
 *
 * <p>Run: {@code bin/bench main dev.background.bench.cluster.ScaleBench [members [tasks [rounds]]] [c2]}
 * (defaults 12, 4800, 3). The workers run with {@code -XX:TieredStopAtLevel=1} (C1 only), which
 * halves their start-up CPU and the compiling that follows: with each member running a few hundred
 * tasks a round, a dozen JVMs' C2 compilers would otherwise compete for two cores throughout;
 * {@code c2} leaves the JIT as it comes. The class data archive is kept in
 * {@code $TMPDIR/background-bench-cds}.
 */
public final class ScaleBench {
    private static final int N = 8;
    private static final int SLEEP_MS = 200;
    private static final int START_AT_ONCE = 4;
    private static final Duration IDLE = Duration.ofSeconds(10);

    private ScaleBench() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: members (default 12), tasks per round (default 4800), rounds (default
     *     3), and {@code c1}
     * @throws Exception if the cluster does not start or a task fails outside the churn
     */
    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        boolean c1 = !Arrays.asList(args).contains("c2");
        int[] nums = Arrays.stream(args)
                .filter(a -> !a.equals("c2"))
                .mapToInt(Integer::parseInt)
                .toArray();
        int members = nums.length > 0 ? nums[0] : 12;
        int tasks = nums.length > 1 ? nums[1] : 4_800;
        int rounds = nums.length > 2 ? nums[2] : 5;
        double ideal = members * N * 1000.0 / SLEEP_MS;
        System.out.printf(
                Locale.ROOT,
                "# %d members × n = %d, tasks of %d ms: ideal %.0f tasks/s; %d cores; load average %.1f%s%n",
                members,
                N,
                SLEEP_MS,
                ideal,
                Runtime.getRuntime().availableProcessors(),
                loadAverage(),
                c1 ? "; workers on C1 only" : "; workers with C2");

        LocalCluster.Builder cb = LocalCluster.builder()
                .members(members)
                .n(N)
                .startAtOnce(START_AT_ONCE)
                .startTimeout(Duration.ofMinutes(3))
                .classDataArchive(Path.of(System.getProperty("java.io.tmpdir"), "background-bench-cds"));
        if (c1) {
            cb.workerJvmOptions("-XX:TieredStopAtLevel=1");
        }
        long t0 = System.nanoTime();
        try (LocalCluster cluster = cb.start();
                BackgroundPool pool = BackgroundPool.builder()
                        .name("scale")
                        .n(N)
                        .kind(cluster.kindBuilder()
                                .recordSubmitSites(false)
                                .hazelcastLogging("none") // its warnings as members leave and rejoin
                                .build())
                        .build()) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            double[] each = new double[members];
            for (int i = 0; i < members; i++) {
                each[i] = cluster.startTime(i).toMillis() / 1e3;
            }
            System.out.printf(
                    Locale.ROOT,
                    "started %d workers in %.1f s (%d at a time; each from launch to joined: min %.1f s, median %.1f s,"
                            + " max %.1f s; archive %s)%n",
                    members,
                    startSeconds,
                    START_AT_ONCE,
                    quantile(each, 0),
                    quantile(each, 0.5),
                    quantile(each, 1),
                    cluster.pid(0) > 0 && usesArchive(cluster.pid(0)) ? "used" : "not used");

            AsyncFunction<Integer, Integer> sleeper = pool.task((Integer i) -> {
                Thread.sleep(SLEEP_MS);
                return i;
            });
            for (int w = 0; w < 2; w++) { // warm-up: every member runs tasks, the JITs compile the paths
                flood(sleeper, tasks);
            }

            Cpu idle0 = Cpu.now(cluster, members);
            Thread.sleep(IDLE.toMillis()); // measuring an idle cluster: nothing to wait for but time
            Cpu idle = Cpu.now(cluster, members).minus(idle0);
            double idleSeconds = idle.wallNanos / 1e9;
            double clientIdleMs = idle.clientNanos / 1e6 / idleSeconds;
            double membersIdleMs = idle.membersNanos / 1e6 / idleSeconds;
            double clientIdlePerNano = idle.clientNanos / (double) idle.wallNanos;
            double membersIdlePerNano = idle.membersNanos / (double) idle.wallNanos;

            List<String> rows = new ArrayList<>();
            double[] rate = new double[rounds];
            double[] clientPerTask = new double[rounds];
            double[] membersPerTask = new double[rounds];
            double[] clientAboveIdle = new double[rounds];
            double[] membersAboveIdle = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double load = loadAverage();
                Cpu before = Cpu.now(cluster, members);
                flood(sleeper, tasks);
                Cpu used = Cpu.now(cluster, members).minus(before);
                rate[r] = tasks / (used.wallNanos / 1e9);
                clientPerTask[r] = used.clientNanos / 1e3 / tasks;
                membersPerTask[r] = used.membersNanos / 1e3 / tasks;
                clientAboveIdle[r] = (used.clientNanos - clientIdlePerNano * used.wallNanos) / 1e3 / tasks;
                membersAboveIdle[r] = (used.membersNanos - membersIdlePerNano * used.wallNanos) / 1e3 / tasks;
                rows.add(String.format(
                        Locale.ROOT,
                        "| %d | %.0f | %.1f %% | %.0f µs (%.0f µs) | %.0f µs (%.0f µs) | %.1f |",
                        r + 1,
                        rate[r],
                        100 * rate[r] / ideal,
                        clientPerTask[r],
                        clientAboveIdle[r],
                        membersPerTask[r],
                        membersAboveIdle[r],
                        load));
            }

            Churn churn = churn(cluster, sleeper, members, tasks * 2);

            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "| round (%d tasks) | tasks/s | of ideal (%.0f/s) | client CPU per task (above idle) | members'"
                            + " CPU per task, all (above idle) | load average |%n",
                    tasks,
                    ideal);
            System.out.println("|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.printf(
                    Locale.ROOT,
                    "| median | **%.0f** | **%.1f %%** | **%.0f µs (%.0f µs)** | **%.0f µs (%.0f µs)** | |%n",
                    quantile(rate, 0.5),
                    100 * quantile(rate, 0.5) / ideal,
                    quantile(clientPerTask, 0.5),
                    quantile(clientAboveIdle, 0.5),
                    quantile(membersPerTask, 0.5),
                    quantile(membersAboveIdle, 0.5));
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "| while 2 members are drained and restarted (%d tasks) | tasks/s | of ideal | of the capacity"
                            + " there | failed | resent | load average |%n",
                    churn.tasks);
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| members out %.1f member-s of %.1f s (restarts took %s) | %.0f | %.1f %% | %.1f %% | %d | %d | %.1f |%n",
                    churn.memberSecondsOut,
                    churn.seconds,
                    churn.restarts,
                    churn.tasks / churn.seconds,
                    100 * churn.tasks / churn.seconds / ideal,
                    100 * churn.tasks / (churn.seconds * ideal - churn.memberSecondsOut * N * 1000.0 / SLEEP_MS),
                    churn.failed,
                    churn.resent,
                    churn.load);
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "idle cluster, CPU per second of wall time: client %.1f ms, members %.1f ms in all (%.2f ms each,"
                            + " %.3f ms per member per peer)%n",
                    clientIdleMs,
                    membersIdleMs,
                    membersIdleMs / members,
                    membersIdleMs / members / Math.max(1, members - 1));
            System.out.printf(
                    Locale.ROOT,
                    "model inputs: members=%d, above idle: client CPU per task %.0f µs, members' CPU per task %.0f µs;"
                            + " idle: client %.2f ms/s per member, member %.3f ms/s per peer%n",
                    members,
                    quantile(clientAboveIdle, 0.5),
                    quantile(membersAboveIdle, 0.5),
                    clientIdleMs / members,
                    membersIdleMs / members / Math.max(1, members - 1));
            predict(
                    quantile(clientAboveIdle, 0.5),
                    clientIdleMs,
                    members,
                    membersIdleMs / members / Math.max(1, members - 1));
        }
    }

    /**
     * The model of BENCHMARKS.md ("What it predicts for 100 members") on this run's figures alone,
     * with its upper bounds: the client's idle CPU all charged to the members it talks to, and a
     * member's idle CPU all charged to its peers (a run at another size separates the fixed part).
     */
    private static void predict(double clientMicrosPerTask, double clientIdleMs, int members, double memberMsPerPeer) {
        int big = 100;
        double rate = big * N * 1000.0 / SLEEP_MS;
        double clientCores = (rate * clientMicrosPerTask / 1e3 + clientIdleMs / members * big) / 1e3;
        double oneCoreRate = (1e3 - clientIdleMs / members * big) / (clientMicrosPerTask / 1e3);
        System.out.printf(
                Locale.ROOT,
                "prediction for %d members of n = %d (%.0f tasks/s), upper bounds from this run alone: client %.2f cores;"
                        + " one client core saturates at %.0f tasks/s (%.0f members); each member idle %.0f ms/s%n",
                big,
                N,
                rate,
                clientCores,
                oneCoreRate,
                oneCoreRate * SLEEP_MS / 1000.0 / N,
                memberMsPerPeer * (big - 1));
    }

    private record Churn(
            int tasks, double seconds, double memberSecondsOut, String restarts, int failed, int resent, double load) {}

    /**
     * Floods the pool with {@code count} tasks; meanwhile another thread drains the last member and
     * starts it again, then the one before it. A member counts as out from its SIGTERM (it takes no
     * new task from then) to its having joined again.
     */
    private static Churn churn(LocalCluster cluster, AsyncFunction<Integer, Integer> sleeper, int members, int count)
            throws InterruptedException {
        double load = loadAverage();
        AtomicReference<Throwable> churnFailure = new AtomicReference<>();
        long[] outFrom = new long[2];
        long[] outTo = new long[2];
        List<String> restarts = new ArrayList<>();
        long t0 = System.nanoTime();
        List<Task<Integer>> ts = new ArrayList<>(count);
        Thread churner = Thread.ofPlatform().name("scale-churn").start(() -> {
            try {
                Thread.sleep(2_000); // pacing: let the flood reach full speed first
                for (int k = 0; k < 2 && members - 1 - k >= 1; k++) {
                    int i = members - 1 - k;
                    outFrom[k] = System.nanoTime();
                    cluster.stop(i);
                    cluster.restart(i);
                    outTo[k] = System.nanoTime();
                    restarts.add(String.format(
                            Locale.ROOT, "%.1f s", cluster.startTime(i).toMillis() / 1e3));
                }
            } catch (Throwable e) {
                churnFailure.set(e);
            }
        });
        for (int i = 0; i < count; i++) {
            ts.add(sleeper.apply(i));
        }
        int failed = 0;
        int resent = 0;
        for (int i = 0; i < count; i++) {
            Task<Integer> t = ts.get(i);
            try {
                if (t.result() != i) {
                    throw new IllegalStateException("task " + i + " returned " + t.result());
                }
            } catch (RuntimeException e) {
                failed++;
            }
            if (t.attempt() > 1) {
                resent++;
            }
        }
        long end = System.nanoTime();
        churner.join();
        if (churnFailure.get() != null) {
            throw new IllegalStateException("draining or restarting a member failed", churnFailure.get());
        }
        double out = 0; // member-seconds out within the flood: a restart may end after it
        for (int k = 0; k < 2; k++) {
            if (outFrom[k] != 0) {
                out += Math.max(0, Math.min(outTo[k], end) - Math.min(outFrom[k], end)) / 1e9;
            }
        }
        return new Churn(count, (end - t0) / 1e9, out, String.join(", ", restarts), failed, resent, load);
    }

    private static void flood(AsyncFunction<Integer, Integer> f, int count) {
        List<Task<Integer>> ts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ts.add(f.apply(i));
        }
        for (Task<Integer> t : ts) {
            t.result();
        }
    }

    /** CPU time used so far by this JVM and by the members, with the wall time. */
    private record Cpu(long wallNanos, long clientNanos, long membersNanos) {
        static Cpu now(LocalCluster cluster, int members) {
            long m = 0;
            for (int i = 0; i < members; i++) {
                m += cpuNanos(cluster.pid(i));
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(System.nanoTime(), os.getProcessCpuTime(), m);
        }

        Cpu minus(Cpu before) {
            return new Cpu(
                    wallNanos - before.wallNanos, clientNanos - before.clientNanos, membersNanos - before.membersNanos);
        }
    }

    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().totalCpuDuration())
                .map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
    }

    /** Whether the process has mapped a class data archive of its own (beyond the JDK's). */
    private static boolean usesArchive(long pid) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/" + pid + "/maps"))
                    .contains("background-bench-cds");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}
