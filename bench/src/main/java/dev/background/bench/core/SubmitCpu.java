package dev.background.bench.core;

import dev.background.BackgroundPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Submit cost as the submitting thread's CPU time, which the load of other processes hardly
 * moves (unlike the wall time {@link SubmitCost} measures): raw {@code ThreadPoolExecutor.submit}
 * and {@code BackgroundPool.run(fn, arg)} (as {@code bg-run}), in batches of 10,000 no-op calls,
 * alternating in one JVM, order rotated every round.
 *
 * <p>Given directories of compiled core classes, it runs each of those versions of core as well,
 * each in its own class loader, so that two versions are compared side by side in one run:
 *
 * <pre>{@code
 * bin/bench main dev.background.bench.core.SubmitCpu [rounds [core-classes-dir ...]]
 * }</pre>
 *
 * Prints, per target, the median over rounds of the CPU and wall nanoseconds per submit and of
 * its ratio to the raw executor of the same round; with two directories, also the ratio of the
 * second to the first, round by round.
 */
public final class SubmitCpu {
    private static final int BATCH = 10_000;
    private static final int BATCHES_PER_ROUND = 20;
    private static final Integer ARG = 1;

    private SubmitCpu() {}

    /** Submits a batch of {@code bg-run} calls; loaded once per version of core. */
    public static final class Background implements Consumer<Future<?>[]> {
        private final BackgroundPool pool = BackgroundPool.builder()
                .name("submit-cpu")
                .threads()
                .n(Runtime.getRuntime().availableProcessors())
                .awaitTasksAtExit(false)
                .build();

        @Override
        public void accept(Future<?>[] f) {
            for (int i = 0; i < f.length; i++) {
                f[i] = pool.run((Integer a) -> a + 1, ARG);
            }
        }
    }

    @SuppressWarnings("unchecked") // Background is a Consumer<Future<?>[]> in every loader
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        int n = Runtime.getRuntime().availableProcessors();
        ThreadPoolExecutor tpe = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        List<String> names = new ArrayList<>(List.of("tpe"));
        List<String> sources = new ArrayList<>(List.of(""));
        List<Consumer<Future<?>[]>> targets = new ArrayList<>();
        targets.add(f -> {
            for (int i = 0; i < f.length; i++) {
                Integer a = ARG;
                f[i] = tpe.submit(() -> a + 1);
            }
        });
        if (args.length <= 1) {
            names.add("bg-run");
            sources.add("");
            targets.add(new Background());
        }
        URL bench = SubmitCpu.class.getProtectionDomain().getCodeSource().getLocation();
        for (int i = 1; i < args.length; i++) {
            // Core's classes from the directory first; this class and nothing else from the jar.
            URLClassLoader loader = new URLClassLoader(
                    new URL[] {Path.of(args[i]).toUri().toURL(), bench}, ClassLoader.getPlatformClassLoader());
            names.add("bg-run");
            sources.add(args[i]);
            targets.add((Consumer<Future<?>[]>) loader.loadClass(Background.class.getName())
                    .getConstructor()
                    .newInstance());
        }
        int k = targets.size();
        double[][] cpu = new double[k][rounds];
        double[][] wall = new double[k][rounds];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Future<?>[] f = new Future<?>[BATCH];
        for (int r = -3; r < rounds; r++) { // three rounds of warm-up, not reported
            for (int j = 0; j < k; j++) {
                int t = (j + Math.max(r, 0)) % k;
                long c = 0;
                long w = 0;
                for (int b = 0; b < BATCHES_PER_ROUND; b++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    targets.get(t).accept(f);
                    w += System.nanoTime() - w0;
                    c += mx.getCurrentThreadCpuTime() - c0;
                    await(f);
                }
                if (r >= 0) {
                    cpu[t][r] = (double) c / (BATCHES_PER_ROUND * BATCH);
                    wall[t][r] = (double) w / (BATCHES_PER_ROUND * BATCH);
                }
            }
        }
        for (int t = 0; t < k; t++) {
            System.out.printf(
                    Locale.ROOT,
                    "%-10s CPU %4.0f ns/submit (%.2fx tpe), wall %4.0f ns/submit (%.2fx tpe)  %s%n",
                    names.get(t),
                    median(cpu[t]),
                    median(ratios(cpu[t], cpu[0])),
                    median(wall[t]),
                    median(ratios(wall[t], wall[0])),
                    sources.get(t));
        }
        if (args.length == 3) {
            double[] ab = ratios(cpu[2], cpu[1]);
            System.out.printf(
                    Locale.ROOT,
                    "second/first: CPU median %.2f (rounds: %s), wall median %.2f%n",
                    median(ab),
                    Arrays.toString(Arrays.stream(ab)
                            .map(x -> Math.round(x * 100) / 100.0)
                            .toArray()),
                    median(ratios(wall[2], wall[1])));
        }
        System.exit(0); // the pools' threads are daemons, but the raw executor's are not
    }

    private static void await(Future<?>[] f) throws InterruptedException, ExecutionException {
        for (Future<?> x : f) {
            x.get();
        }
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
