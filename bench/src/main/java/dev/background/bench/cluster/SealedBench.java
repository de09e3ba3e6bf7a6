package dev.background.bench.cluster;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.AsyncCallable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the cluster secret costs, measured in pairs so that a shared machine's load weighs on both
 * sides alike: two local clusters of two workers (n = 5), one with a secret (every task and result
 * sealed with AES-GCM) and one without, one pool on each; each round floods the plain pool with a
 * batch of no-op tasks, then the sealed one (the order alternating from round to round), and
 * takes the ratio of their throughputs. Prints the median per-round ratio with its p25–p75 and,
 * since CPU time moves little with the machine's load, the CPU time per task of the client (this
 * JVM) and of each cluster's members, with and without the secret, summed over all rounds.
 *
 * <p>Warm-up lasts until the JIT compilers of all five JVMs have settled: while they work, they
 * take a large share of two cores (Hazelcast has much code to compile), and measuring then
 * charges their time to whichever side runs slower. A warm-up round floods both sides; warm-up
 * ends after two rounds in a row in which compiling took under 3 % of the CPU the five JVMs used
 * (or after three minutes, with a warning). The compilers' share during the measured rounds is
 * printed too.
 *
 * <p>Run: {@code bin/bench main dev.background.bench.cluster.SealedBench [rounds [batch [rate]]]}
 * (defaults 40, 5000 and 0: a few minutes). With a rate (tasks per second, submitted in bursts
 * of 50), both sides are offered the same load, so their CPU per task compares at equal
 * throughput. The seal and open of one message on its own: {@code bin/bench 'cluster\.SealerCost'}.
 */
public final class SealedBench {
    private static final int N = 5;
    /** Tasks per burst when submitting at a rate. */
    private static final int BURST = 50;
    /** Warm-up ends after this many rounds in a row with compiling under {@link #SETTLED} of the CPU. */
    private static final int SETTLED_ROUNDS = 2;

    private static final double SETTLED = 0.03;
    private static final long WARM_UP_LIMIT_NANOS = 180_000_000_000L;

    private SealedBench() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: rounds (default 40), tasks per batch (default 5000)
     * @throws Exception if the clusters do not start or a task fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Path secret = Files.createTempFile("bench-secret", "");
        Files.writeString(secret, "a secret for the sealing benchmark\n");
        Path archives = Path.of(System.getProperty("java.io.tmpdir"), "background-bench-cds");
        double loadBefore = ScaleBench.loadAverage();
        try (LocalCluster plainCluster = LocalCluster.builder()
                        .members(2)
                        .n(N)
                        .classDataArchive(archives)
                        .start();
                LocalCluster sealedCluster = LocalCluster.builder()
                        .members(2)
                        .n(N)
                        .secretFile(secret)
                        .classDataArchive(archives)
                        .start();
                BackgroundPool plain = pool("plain", plainCluster);
                BackgroundPool sealed = pool("sealed", sealedCluster)) {
            AsyncCallable<@Nullable Object> p = plain.task(() -> null);
            AsyncCallable<@Nullable Object> s = sealed.task(() -> null);
            long[] pids = {
                ProcessHandle.current().pid(),
                plainCluster.pid(0),
                plainCluster.pid(1),
                sealedCluster.pid(0),
                sealedCluster.pid(1)
            };
            warmUp(p, s, pids);
            long jit0 = jitNanos(pids);
            long cpu0 = cpuNanos(pids);
            Side plainSide = new Side(plainCluster, rate);
            Side sealedSide = new Side(sealedCluster, rate);
            double[] ratio = new double[rounds];
            double[] plainRate = new double[rounds];
            double[] sealedRate = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    plainRate[r] = plainSide.round(p, batch);
                    sealedRate[r] = sealedSide.round(s, batch);
                } else {
                    sealedRate[r] = sealedSide.round(s, batch);
                    plainRate[r] = plainSide.round(p, batch);
                }
                ratio[r] = sealedRate[r] / plainRate[r];
            }
            double jitShare = (double) (jitNanos(pids) - jit0) / (cpuNanos(pids) - cpu0);
            double loadAfter = ScaleBench.loadAverage();
            System.out.printf(
                    Locale.ROOT,
                    "%n%d rounds of %d no-op tasks on each side (%s), 2 members of n = 5 each; load average %.1f"
                            + " before, %.1f after; the JIT compilers took %.1f %% of the CPU during the rounds%n%n",
                    rounds,
                    batch,
                    rate > 0 ? "at " + rate + " tasks/s" : "as fast as they go",
                    loadBefore,
                    loadAfter,
                    100 * jitShare);
            System.out.println("| | without a secret | with a secret | with/without |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| no-op tasks/s, median of the rounds | %.0f | %.0f | per round: median **%.3f** (p25 %.3f –"
                            + " p75 %.3f) |%n",
                    ScaleBench.quantile(plainRate, 0.5),
                    ScaleBench.quantile(sealedRate, 0.5),
                    ScaleBench.quantile(ratio, 0.5),
                    ScaleBench.quantile(ratio, 0.25),
                    ScaleBench.quantile(ratio, 0.75));
            System.out.printf(
                    Locale.ROOT,
                    "| client CPU per task | %.1f µs | %.1f µs | %.2f |%n",
                    plainSide.clientMicrosPerTask(),
                    sealedSide.clientMicrosPerTask(),
                    sealedSide.clientMicrosPerTask() / plainSide.clientMicrosPerTask());
            System.out.printf(
                    Locale.ROOT,
                    "| members' CPU per task (both) | %.1f µs | %.1f µs | %.2f |%n",
                    plainSide.membersMicrosPerTask(),
                    sealedSide.membersMicrosPerTask(),
                    sealedSide.membersMicrosPerTask() / plainSide.membersMicrosPerTask());
            double plainTotal = plainSide.clientMicrosPerTask() + plainSide.membersMicrosPerTask();
            double sealedTotal = sealedSide.clientMicrosPerTask() + sealedSide.membersMicrosPerTask();
            System.out.printf(
                    Locale.ROOT,
                    "| CPU per task, all three JVMs | %.1f µs | %.1f µs | **%.2f** |%n",
                    plainTotal,
                    sealedTotal,
                    sealedTotal / plainTotal);
            System.out.printf(
                    Locale.ROOT,
                    "%nsealing costs %.1f %% of no-op throughput (median per-round ratio; p25–p75: %.1f %% to %.1f %%),"
                            + " %.1f µs of CPU per task (%.1f %%)%n",
                    100 * (1 - ScaleBench.quantile(ratio, 0.5)),
                    100 * (1 - ScaleBench.quantile(ratio, 0.75)),
                    100 * (1 - ScaleBench.quantile(ratio, 0.25)),
                    sealedTotal - plainTotal,
                    100 * (sealedTotal / plainTotal - 1));
        } finally {
            Files.deleteIfExists(secret);
        }
        try {
            System.out.printf(
                    Locale.ROOT,
                    "the Sealer alone, one thread (thread CPU time): a task and its result sealed and opened, 256 bytes"
                            + " each: %.1f µs; 4 KiB each: %.1f µs%n",
                    SealerCost.cpuNanosPerTask(256, 100_000) / 1e3,
                    SealerCost.cpuNanosPerTask(4096, 20_000) / 1e3);
        } catch (Throwable e) {
            throw new IllegalStateException("the Sealer failed", e);
        }
    }

    private static BackgroundPool pool(String name, LocalCluster cluster) {
        return BackgroundPool.builder()
                .name(name)
                .n(N)
                .kind(cluster.kindBuilder().recordSubmitSites(false).build())
                .build();
    }

    /**
     * Floods both sides until the JIT compilers of all {@code pids} have settled, or for at most
     * {@link #WARM_UP_LIMIT_NANOS}.
     */
    private static void warmUp(
            AsyncCallable<@Nullable Object> plain, AsyncCallable<@Nullable Object> sealed, long[] pids) {
        long start = System.nanoTime();
        int settled = 0;
        int rounds = 0;
        double share = 1;
        while (settled < SETTLED_ROUNDS) {
            if (System.nanoTime() - start > WARM_UP_LIMIT_NANOS) {
                System.out.printf(
                        Locale.ROOT,
                        "WARNING: the JIT compilers had not settled after %d warm-up rounds (%.0f %% of the CPU in the"
                                + " last); the figures below include compiling%n",
                        rounds,
                        100 * share);
                return;
            }
            long jit = jitNanos(pids);
            long cpu = cpuNanos(pids);
            flood(plain, 20_000, 0);
            flood(sealed, 20_000, 0);
            rounds++;
            share = (double) (jitNanos(pids) - jit) / (cpuNanos(pids) - cpu);
            settled = share < SETTLED ? settled + 1 : 0;
        }
        System.out.printf(
                Locale.ROOT,
                "warm-up: %d rounds of 20,000 tasks on each side, %.0f s, until compiling took under %.0f %% of the CPU%n",
                rounds,
                (System.nanoTime() - start) / 1e9,
                100 * SETTLED);
    }

    /** CPU time of the processes {@code pids}, all threads. */
    private static long cpuNanos(long[] pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += ScaleBench.cpuNanos(pid);
        }
        return sum;
    }

    /**
     * CPU time of the JIT compiler threads of the processes {@code pids}, from Linux's per-thread
     * accounting ({@code /proc/PID/task/TID/stat}, whose name field HotSpot sets to "C1
     * CompilerThre..." and "C2 CompilerThre...").
     */
    static long jitNanos(long[] pids) {
        long ticks = 0;
        for (long pid : pids) {
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(t.resolve("stat"));
                    } catch (java.io.IOException threadEnded) {
                        continue;
                    }
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(open + 1, close).contains("CompilerThre")) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" ", -1);
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the threads of process " + pid, e);
            }
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** One side of the pair: its rounds' tasks and CPU times, summed. */
    private static final class Side {
        private final LocalCluster cluster;
        private final int rate;
        private long tasks;
        private long clientNanos;
        private long membersNanos;

        Side(LocalCluster cluster, int rate) {
            this.cluster = cluster;
            this.rate = rate;
        }

        /** Floods {@code task} {@code count} times; returns tasks per second and adds up the CPU used. */
        double round(AsyncCallable<@Nullable Object> task, int count) {
            long client0 = clientCpu();
            long members0 = membersCpu();
            long t0 = System.nanoTime();
            flood(task, count, rate);
            long wall = System.nanoTime() - t0;
            clientNanos += clientCpu() - client0;
            membersNanos += membersCpu() - members0;
            tasks += count;
            return count / (wall / 1e9);
        }

        double clientMicrosPerTask() {
            return clientNanos / 1e3 / tasks;
        }

        double membersMicrosPerTask() {
            return membersNanos / 1e3 / tasks;
        }

        private long membersCpu() {
            return ScaleBench.cpuNanos(cluster.pid(0)) + ScaleBench.cpuNanos(cluster.pid(1));
        }

        private static long clientCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    /** Submits {@code count} tasks, at {@code rate} per second in bursts (0: at once), and waits for them. */
    private static void flood(AsyncCallable<@Nullable Object> task, int count, int rate) {
        Task<?>[] ts = new Task<?>[count];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (rate > 0 && i % BURST == 0) {
                long due = start + (long) (i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            ts[i] = task.call();
        }
        for (Task<?> t : ts) {
            t.result();
        }
    }
}
