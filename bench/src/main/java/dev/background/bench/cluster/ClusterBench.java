package dev.background.bench.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.AsyncCallable;
import dev.background.function.CheckedCallable;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The cluster kind against raw Hazelcast {@code IExecutorService}, side by side on the same local
 * cluster of two worker JVMs, from one client JVM (this one): no-op round trip, throughput of
 * 100,000 no-op tasks, and 10 tasks sleeping 1 s on two members of n = 5. Also reports the
 * workers' start-up time and memory. Prints Markdown for BENCHMARKS.md.
 *
 * <p>Not JMH: a benchmark that needs a running cluster of other JVMs does not fit JMH's forks.
 * Each measurement alternates raw and ours, after a warm-up of both, and keeps the best of the
 * rounds for each, so that both sides get the same chances on a shared machine.
 *
 * <p>Run: {@code bin/mvnw -q -pl bench -am package -DskipTests} and then
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.background.bench.cluster.ClusterBench}
 * (see BENCHMARKS.md for the one-liner that writes the class path).
 */
public final class ClusterBench {

    private static final int N = 5;
    private static final int ROUND_TRIPS = 3_000;
    private static final int THROUGHPUT_TASKS = 100_000;
    private static final int ROUNDS = 3;

    private ClusterBench() {}

    /** A serialisable no-op, the same shape for both sides: a lambda of this class. */
    static Callable<Object> rawNoOp() {
        return (Callable<Object> & Serializable) () -> null;
    }

    static CheckedCallable<@Nullable Object> noOp() {
        return () -> null;
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger hazelcastLog = java.util.logging.Logger.getLogger("com.hazelcast");
        hazelcastLog.setLevel(java.util.logging.Level.WARNING);
        try (LocalCluster cluster = LocalCluster.builder().members(2).n(N).start()) {
            ClientConfig cc = new ClientConfig();
            cc.setClusterName(cluster.clusterName());
            cc.getNetworkConfig().setAddresses(Arrays.asList(cluster.members().split(",")));
            HazelcastInstance client = HazelcastClient.newHazelcastClient(cc);
            IExecutorService raw = client.getExecutorService("background");
            try (BackgroundPool pool = BackgroundPool.builder()
                            .name("bench")
                            .kind(cluster.kind())
                            .n(N)
                            .build();
                    BackgroundPool ahead = BackgroundPool.builder()
                            .name("bench-prefetch")
                            .n(N)
                            .kind(cluster.kindBuilder().prefetch(4 * N).build())
                            .build();
                    BackgroundPool siteless = BackgroundPool.builder()
                            .name("bench-no-sites")
                            .n(N)
                            .kind(cluster.kindBuilder().recordSubmitSites(false).build())
                            .build()) {
                AsyncCallable<@Nullable Object> ours = pool.task(noOp());
                AsyncCallable<@Nullable Object> oursAhead = ahead.task(noOp());
                AsyncCallable<@Nullable Object> oursSiteless = siteless.task(noOp());
                Callable<Object> rawTask = rawNoOp();

                // Warm-up of both sides (JIT in all three JVMs).
                rawThroughput(raw, rawTask, 20_000);
                ourThroughput(ours, 20_000);
                ourThroughput(oursAhead, 20_000);
                rawRoundTrips(raw, rawTask, 1_000);
                ourRoundTrips(ours, 1_000);
                ourRoundTrips(oursSiteless, 1_000);
                ourThroughput(oursSiteless, 20_000);

                double[] rawRt = {Double.MAX_VALUE, Double.MAX_VALUE}; // the best round's, by p50
                double[] ourRt = rawRt.clone();
                double[] sitelessRt = rawRt.clone();
                double sitelessTp = 0;
                double rawTp = 0;
                double ourTp = 0;
                double aheadTp = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    double[] a = rawRoundTrips(raw, rawTask, ROUND_TRIPS);
                    double[] b = ourRoundTrips(ours, ROUND_TRIPS);
                    rawRt = a[0] < rawRt[0] ? a : rawRt;
                    ourRt = b[0] < ourRt[0] ? b : ourRt;
                    double[] c = ourRoundTrips(oursSiteless, ROUND_TRIPS);
                    sitelessRt = c[0] < sitelessRt[0] ? c : sitelessRt;
                    sitelessTp = Math.max(sitelessTp, ourThroughput(oursSiteless, THROUGHPUT_TASKS));
                    rawTp = Math.max(rawTp, rawThroughput(raw, rawTask, THROUGHPUT_TASKS));
                    ourTp = Math.max(ourTp, ourThroughput(ours, THROUGHPUT_TASKS));
                    aheadTp = Math.max(aheadTp, ourThroughput(oursAhead, THROUGHPUT_TASKS));
                }

                var sleeper = pool.task((Integer ms) -> {
                    Thread.sleep(ms);
                    return ms;
                });
                double ourSleep = 0;
                double rawSleep = 0;
                for (int r = 0; r < 2; r++) {
                    long t0 = System.nanoTime();
                    List<Task<Integer>> ts = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        ts.add(sleeper.apply(1_000));
                    }
                    for (Task<Integer> t : ts) {
                        t.result();
                    }
                    ourSleep = Math.max(ourSleep, (System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    List<Future<Object>> fs = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        fs.add(raw.submit((Callable<Object> & Serializable) () -> {
                            Thread.sleep(1_000);
                            return null;
                        }));
                    }
                    for (Future<Object> f : fs) {
                        f.get();
                    }
                    rawSleep = Math.max(rawSleep, (System.nanoTime() - t0) / 1e9);
                }

                System.out.println("| measurement | raw IExecutorService | background cluster kind | ratio |");
                System.out.println("|---|---|---|---|");
                System.out.printf(
                        Locale.ROOT,
                        "| no-op round trip p50 | %.0f µs | %.0f µs | %.2fx |%n",
                        rawRt[0],
                        ourRt[0],
                        rawRt[0] / ourRt[0]);
                System.out.printf(
                        Locale.ROOT,
                        "| no-op round trip p99 | %.0f µs | %.0f µs | %.2fx |%n",
                        rawRt[1],
                        ourRt[1],
                        rawRt[1] / ourRt[1]);
                System.out.printf(
                        Locale.ROOT,
                        "| throughput, 100,000 no-ops | %.0f tasks/s | %.0f tasks/s | %.2fx |%n",
                        rawTp,
                        ourTp,
                        ourTp / rawTp);
                System.out.printf(
                        Locale.ROOT,
                        "| same, with prefetch(%d) | | %.0f tasks/s | %.2fx |%n",
                        4 * N,
                        aheadTp,
                        aheadTp / rawTp);
                System.out.printf(
                        Locale.ROOT,
                        "| no-op round trip p50, recordSubmitSites(false) | | %.0f µs | %.2fx |%n",
                        sitelessRt[0],
                        rawRt[0] / sitelessRt[0]);
                System.out.printf(
                        Locale.ROOT,
                        "| throughput, recordSubmitSites(false) | | %.0f tasks/s | %.2fx |%n",
                        sitelessTp,
                        sitelessTp / rawTp);
                System.out.printf(
                        Locale.ROOT,
                        "| 10 × sleep 1 s, 2 members of n = 5 (worst of 2) | %.2f s | %.2f s | |%n",
                        rawSleep,
                        ourSleep);
                for (int i = 0; i < 2; i++) {
                    System.out.printf(
                            Locale.ROOT,
                            "%nworker %d: start-up (launch to joined) %d ms, resident memory %s%n",
                            i,
                            cluster.startTime(i).toMillis(),
                            rss(cluster.pid(i)));
                }
            }
            client.shutdown();
        }
    }

    private static double[] rawRoundTrips(IExecutorService raw, Callable<Object> task, int count) throws Exception {
        long[] ns = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            raw.submit(task).get();
            ns[i] = System.nanoTime() - t0;
        }
        return percentiles(ns);
    }

    private static double[] ourRoundTrips(AsyncCallable<@Nullable Object> ours, int count) {
        long[] ns = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            ours.call().result();
            ns[i] = System.nanoTime() - t0;
        }
        return percentiles(ns);
    }

    private static double[] percentiles(long[] ns) {
        Arrays.sort(ns);
        return new double[] {ns[ns.length / 2] / 1e3, ns[ns.length * 99 / 100] / 1e3};
    }

    private static double rawThroughput(IExecutorService raw, Callable<Object> task, int count) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Object>> fs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fs.add(raw.submit(task));
        }
        for (Future<Object> f : fs) {
            f.get();
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static double ourThroughput(AsyncCallable<@Nullable Object> ours, int count) {
        long t0 = System.nanoTime();
        List<Task<Object>> ts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ts.add(ours.call());
        }
        for (Task<Object> t : ts) {
            t.result();
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static String rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return line.substring(6).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }
}
