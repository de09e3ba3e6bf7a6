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
 * <p>Run: {@code bin/bench main dev.background.bench.cluster.SealedBench [rounds [batch]]}
 * (defaults 40 and 5000: a few minutes). The seal and open of one message on its own:
 * {@code bin/bench 'cluster\.SealerCost'}.
 */
public final class SealedBench {
    private static final int N = 5;

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
            for (int w = 0; w < 4; w++) { // warm-up: both sides' JITs, all four workers
                flood(p, 20_000);
                flood(s, 20_000);
            }
            Side plainSide = new Side(plainCluster);
            Side sealedSide = new Side(sealedCluster);
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
            double loadAfter = ScaleBench.loadAverage();
            System.out.printf(
                    Locale.ROOT,
                    "%n%d rounds of %d no-op tasks on each side, 2 members of n = 5 each; load average %.1f before,"
                            + " %.1f after%n%n",
                    rounds,
                    batch,
                    loadBefore,
                    loadAfter);
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

    /** One side of the pair: its rounds' tasks and CPU times, summed. */
    private static final class Side {
        private final LocalCluster cluster;
        private long tasks;
        private long clientNanos;
        private long membersNanos;

        Side(LocalCluster cluster) {
            this.cluster = cluster;
        }

        /** Floods {@code task} {@code count} times; returns tasks per second and adds up the CPU used. */
        double round(AsyncCallable<@Nullable Object> task, int count) {
            long client0 = clientCpu();
            long members0 = membersCpu();
            long t0 = System.nanoTime();
            flood(task, count);
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

    private static void flood(AsyncCallable<@Nullable Object> task, int count) {
        Task<?>[] ts = new Task<?>[count];
        for (int i = 0; i < count; i++) {
            ts[i] = task.call();
        }
        for (Task<?> t : ts) {
            t.result();
        }
    }
}
