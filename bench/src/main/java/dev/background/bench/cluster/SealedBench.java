package dev.background.bench.cluster;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.AsyncCallable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the cluster secret costs: the same no-op flood on two local clusters of two workers
 * (n = 5), one with a secret (every task and result sealed with AES-GCM) and one without,
 * alternating, best of the rounds for each after a warm-up of both. Prints Markdown for
 * BENCHMARKS.md.
 *
 * <p>Run as {@link ClusterBench} is run, with this class's name.
 */
public final class SealedBench {
    private static final int N = 5;
    private static final int TASKS = 50_000;
    private static final int ROUNDS = 4;

    private SealedBench() {}

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        Path secret = Files.createTempFile("bench-secret", "");
        Files.writeString(secret, "a secret for the sealing benchmark\n");
        try (LocalCluster plainCluster = LocalCluster.builder().members(2).n(N).start();
                LocalCluster sealedCluster = LocalCluster.builder()
                        .members(2)
                        .n(N)
                        .secretFile(secret)
                        .start();
                BackgroundPool plain = BackgroundPool.builder()
                        .name("plain")
                        .n(N)
                        .kind(plainCluster
                                .kindBuilder()
                                .recordSubmitSites(false)
                                .build())
                        .build();
                BackgroundPool sealed = BackgroundPool.builder()
                        .name("sealed")
                        .n(N)
                        .kind(sealedCluster
                                .kindBuilder()
                                .recordSubmitSites(false)
                                .build())
                        .build()) {
            AsyncCallable<@Nullable Object> p = plain.task(() -> null);
            AsyncCallable<@Nullable Object> s = sealed.task(() -> null);
            throughput(p, 20_000);
            throughput(s, 20_000);
            double bestPlain = 0;
            double bestSealed = 0;
            List<String> rounds = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                double a = throughput(p, TASKS);
                double b = throughput(s, TASKS);
                rounds.add(String.format(Locale.ROOT, "%.0f / %.0f", a, b));
                bestPlain = Math.max(bestPlain, a);
                bestSealed = Math.max(bestSealed, b);
            }
            System.out.println("| no-op tasks/s (best of " + ROUNDS + " × " + TASKS
                    + ") | without a secret | with a secret | cost |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| two members, n = 5 | %.0f | %.0f | %.1f %% |%n",
                    bestPlain,
                    bestSealed,
                    100 * (1 - bestSealed / bestPlain));
            System.out.println("rounds (without / with): " + String.join(", ", rounds));
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    private static double throughput(AsyncCallable<@Nullable Object> task, int count) {
        long t0 = System.nanoTime();
        List<Task<Object>> ts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ts.add(task.call());
        }
        for (Task<Object> t : ts) {
            t.result();
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }
}
