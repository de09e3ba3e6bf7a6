package dev.background.bench.spring;

import dev.background.spring.boot.autoconfigure.BackgroundAutoConfiguration;
import dev.background.spring.boot.autoconfigure.BackgroundPools;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

/**
 * The starter's cost per task measured in pairs, for a machine too busy for
 * {@link StarterOverhead}'s separate forks to agree: in one JVM, each round submits and awaits a
 * batch of no-op calls through the pool itself, then the same through the starter's
 * {@code applicationTaskExecutor} (with an identity {@link TaskDecorator}, the starter's longest
 * path), in alternating order; the load the machine has at that moment weighs on both halves of
 * the pair. Prints the median of each and the median of the per-round ratios.
 *
 * <p>Run: {@code bin/bench main dev.background.bench.spring.StarterOverheadPaired [rounds [batch]]}.
 */
public final class StarterOverheadPaired {
    private static final Callable<Integer> NO_OP = () -> 42;

    private StarterOverheadPaired() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: rounds (default 200), batch size (default 10000)
     * @throws Exception if a call fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        try (var context = new AnnotationConfigApplicationContext()) {
            context.registerBean("identityDecorator", TaskDecorator.class, () -> runnable -> runnable);
            context.register(BackgroundAutoConfiguration.class);
            context.refresh();
            ExecutorService pool = context.getBean(BackgroundPools.class).defaultPool();
            AsyncTaskExecutor spring = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
            Future<?>[] futures = new Future<?>[batch];
            for (int i = 0; i < rounds / 4; i++) { // warm-up, both paths
                poolBatch(pool, futures);
                springBatch(spring, futures);
            }
            double[] direct = new double[rounds];
            double[] starter = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    direct[r] = poolBatch(pool, futures);
                    starter[r] = springBatch(spring, futures);
                } else {
                    starter[r] = springBatch(spring, futures);
                    direct[r] = poolBatch(pool, futures);
                }
                ratio[r] = starter[r] / direct[r];
            }
            System.out.printf(
                    Locale.ROOT,
                    "rounds=%d batch=%d%npool            median %.0f ns/call%nstarter (dec.)  median %.0f ns/call%n"
                            + "ratio starter/pool: median %.3f, p25 %.3f, p75 %.3f%n",
                    rounds,
                    batch,
                    median(direct),
                    median(starter),
                    median(ratio),
                    quantile(ratio, 0.25),
                    quantile(ratio, 0.75));
        }
    }

    private static double poolBatch(ExecutorService pool, Future<?>[] f)
            throws InterruptedException, ExecutionException {
        long t0 = System.nanoTime();
        for (int i = 0; i < f.length; i++) {
            f[i] = pool.submit(NO_OP);
        }
        awaitAll(f);
        return (System.nanoTime() - t0) / (double) f.length;
    }

    private static double springBatch(AsyncTaskExecutor spring, Future<?>[] f)
            throws InterruptedException, ExecutionException {
        long t0 = System.nanoTime();
        for (int i = 0; i < f.length; i++) {
            f[i] = spring.submit(NO_OP);
        }
        awaitAll(f);
        return (System.nanoTime() - t0) / (double) f.length;
    }

    private static void awaitAll(Future<?>[] f) throws InterruptedException, ExecutionException {
        for (Future<?> each : f) {
            each.get();
        }
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}
