import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cli.ExecutorChoice;
import dev.background.cli.Story;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first answer of the demo's worker JVMs, run by bench/worker-start.sh against a command-line
 * jar (old or new; it uses only what both have). Each round builds a pool of the demo's process
 * kind (ExecutorChoice.PROCESSES), makes n calls of the demo's longFunc that do not sleep (so
 * each worker starts, loads Tablesaw and answers), and reports the wall time from the pool's build
 * to the last answer, and the CPU time each worker had used when it answered (the mean and the
 * largest). Arguments: n, rounds, and optionally a directory in which to wait, after each round,
 * for a class data archive (*.jsa) to appear.
 */
public final class WorkerStart {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path cache = args.length > 2 ? Path.of(args[2]) : null;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long sum = 0, max = 0, wall;
            try (BackgroundPool pool = BackgroundPool.builder()
                    .name("ws")
                    .kind(ExecutorChoice.PROCESSES.kind())
                    .n(n)
                    .awaitTasksAtExit(false)
                    .build()) {
                var call = pool.task((Integer i) -> {
                    Story.longFunc(i, Duration.ZERO);
                    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
                });
                List<Task<Long>> calls = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    calls.add(call.apply(i));
                }
                for (Task<Long> t : calls) {
                    long cpu = t.result();
                    sum += cpu;
                    max = Math.max(max, cpu);
                }
                wall = System.nanoTime() - t0;
            }
            boolean archive = cache != null && hasArchive(cache);
            System.out.printf(Locale.ROOT, "round %d n=%d: first answers after %.2f s wall; worker CPU at its answer: mean %.0f ms, max %.0f ms%s%n",
                    r + 1, n, wall / 1e9, sum / n / 1e6, max / 1e6, cache == null ? "" : archive ? " (archive ready)" : " (no archive)");
            if (cache != null) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!hasArchive(cache) && System.nanoTime() < deadline) {
                    Thread.sleep(100); // a benchmark driver waiting for a file, not a test
                }
            }
        }
    }

    private static boolean hasArchive(Path cache) throws Exception {
        Path dir = cache.resolve("background/worker-cds");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.toString().endsWith(".jsa"));
        }
    }
}
