package dev.background.bench.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

/**
 * Heap held per queued task, in bytes: not a timing, so a plain program rather than a JMH
 * benchmark, measuring every target in the same JVM.
 *
 * <p>For each target it opens one worker, blocks that worker, submits {@code count} no-op calls
 * that therefore wait in the queue, and divides the growth of the used heap (read from
 * {@link MemoryMXBean} after full collections) by {@code count}. The futures are kept in an array
 * allocated before the first reading, as a user keeping them would; what remains is what the
 * executor holds for a queued task: the future, the bound call, the queue node, and any
 * bookkeeping. Each target is measured {@code rounds} times and the median is reported. Target:
 * background at most 2x raw {@code ThreadPoolExecutor} with its {@code FutureTask} ({@code tpe}).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.background.bench.core.QueuedTaskHeap [count [rounds [targets]]]}
 * with targets a comma-separated list of {@link Target} names (default
 * {@value #DEFAULT_TARGETS}). Run it with {@code -Xms} = {@code -Xmx} and the default collector,
 * as {@code ./bench} does.
 */
public final class QueuedTaskHeap {
    static final String DEFAULT_TARGETS = "tpe,fjp,bg-run,bg-task,bg-nokeep,bg-vthreads";
    private static final Integer BLOCK = -1;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private QueuedTaskHeap() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> targets = List.of((args.length > 2 ? args[2] : DEFAULT_TARGETS).split(","));
        Future<?>[] held = new Future<?>[count];

        for (String t : targets) { // warm-up: class loading and lazy statics do not count
            measure(t, Math.min(count, 10_000), held);
        }
        System.out.printf(
                Locale.ROOT,
                "Heap held per queued task (%,d queued tasks behind one blocked worker, "
                        + "median of %d rounds, JDK %s, %s)%n",
                count,
                rounds,
                Runtime.version(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "%-12s %14s %10s%n", "target", "bytes/task", "vs tpe");
        double baseline = Double.NaN;
        for (String t : targets) {
            double[] r = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                r[i] = measure(t, count, held);
            }
            Arrays.sort(r);
            double median = r[rounds / 2];
            if (t.equals("tpe")) {
                baseline = median;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-12s %14.1f %10s%n",
                    t,
                    median,
                    Double.isNaN(baseline) ? "-" : String.format(Locale.ROOT, "%.2fx", median / baseline));
        }
    }

    /** One round: bytes of heap held per queued task. */
    static double measure(String targetName, int count, Future<?>[] held) throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Target target = Target.open(targetName, 1, x -> {
            if (BLOCK.equals(x)) {
                blocked.countDown();
                release.await();
            }
            return x;
        })) {
            Future<Integer> blocker = target.submit(BLOCK);
            blocked.await();
            long before = usedHeapAfterGc();
            for (int i = 0; i < count; i++) {
                held[i] = target.submit(Target.ARG);
            }
            long after = usedHeapAfterGc();
            release.countDown();
            blocker.get();
            Futures.awaitAll(Arrays.copyOf(held, count));
            Arrays.fill(held, null);
            return (after - before) / (double) count;
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) { // until a collection frees nothing more
            System.gc();
            Thread.sleep(50);
            long now = MEMORY.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
