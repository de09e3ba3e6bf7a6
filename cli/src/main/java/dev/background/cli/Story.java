package dev.background.cli;

import dev.background.BackgroundPool;
import dev.background.Progress;
import dev.background.Task;
import dev.background.Tasks;
import dev.background.function.AsyncFunction;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The seed post's story, told with real timings: a slow function that returns a DataFrame
 * ({@link #longFunc}), called many times in the background; the submits return at once; the
 * results, concatenated, arrive in the time of one call when {@code n} is at least the number of
 * runs; and "crank it up" ({@link #crank}) shows what raising {@code n} does.
 *
 * <p>Each batch runs on a pool of its own, closed at the end of the batch, which does not hold
 * up the JVM's exit (Ctrl-C ends the demo at once). Used by one thread at a time.
 */
public final class Story {
    private Story() {}

    /**
     * What one batch does.
     *
     * @param runs how many calls of {@link #longFunc}, at least 1
     * @param n how many calls run at once, at least 1
     * @param sleep how long each call sleeps, zero or more
     * @param executor what the calls run on
     */
    public record Settings(int runs, int n, Duration sleep, ExecutorChoice executor) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if {@code runs} or {@code n} is below 1, or
         *     {@code sleep} is negative
         * @throws NullPointerException if {@code sleep} or {@code executor} is null
         */
        public Settings {
            Objects.requireNonNull(sleep, "sleep");
            Objects.requireNonNull(executor, "executor");
            if (runs < 1 || n < 1 || sleep.isNegative()) {
                throw new IllegalArgumentException("runs and n must be at least 1 and sleep not negative, not runs = "
                        + runs + ", n = " + n + ", sleep = " + sleep);
            }
        }

        /**
         * The same settings with another {@code n}.
         *
         * @param newN the new n, at least 1
         * @return the new settings
         */
        public Settings withN(int newN) {
            return new Settings(runs, newN, sleep, executor);
        }
    }

    /**
     * What one batch measured.
     *
     * @param settings what it did
     * @param table the concatenated results, one row per call, in call order
     * @param submits the time of the submits alone ({@code %time})
     * @param whole the time of the submits, the wait and the concatenation ({@code %%time})
     */
    public record Batch(Settings settings, Table table, Timing.Measurement submits, Timing.Measurement whole) {
        /**
         * The speed-up over running the calls one after another, as reported.
         *
         * @return {@code runs * sleep / whole wall time}
         */
        public double speedUp() {
            return Story.speedUp(settings.runs(), settings.sleep(), whole.wallNanos());
        }
    }

    /**
     * The post's {@code long_func}: "simulates fetching data from a service and returning a
     * DataFrame". Sleeps, then returns a one-row table with column {@code number_squared} = i².
     *
     * @param i the input
     * @param sleep how long to sleep
     * @return a table with one row, {@code i * i}
     * @throws InterruptedException if interrupted while sleeping
     */
    public static Table longFunc(int i, Duration sleep) throws InterruptedException {
        Thread.sleep(sleep);
        // Portable: a Table that worker processes and cluster members can send back.
        return new PortableTable("long_func", LongColumn.create("number_squared", (long) i * i));
    }

    /**
     * Concatenates tables with the same columns, row after row, like {@code pd.concat}.
     *
     * @param tables at least one table
     * @return a new table holding all their rows, in order
     * @throws IllegalArgumentException if {@code tables} is empty
     */
    public static Table concat(List<Table> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate: the list of tables is empty");
        }
        Table all = tables.get(0).emptyCopy().setName("concat");
        tables.forEach(all::append);
        return all;
    }

    /**
     * Tells the story for one batch on {@code out}: the submits' {@code %time}, the progress of
     * the results, the whole's {@code %%time}, the table (when {@code printTable}) and the
     * speed-up with its reason. Blocks until every call has ended.
     *
     * @param s the batch
     * @param out where the story goes
     * @param terminal whether to draw a live progress bar on {@code System.out}
     * @param printTable whether to print the concatenated table
     * @return the figures
     * @throws dev.background.TaskException if a call failed, with its cause
     */
    public static Batch tell(Settings s, PrintWriter out, boolean terminal, boolean printTable) {
        warmUp();
        out.printf(
                "longFunc(i) sleeps %s, then returns a Table with one row: number_squared = i*i.%n",
                Durations.format(s.sleep()));
        out.printf(
                "%d calls on %s, n = %d at once. One after another they would take %d x %s = %s.%n%n",
                s.runs(),
                s.executor().description(),
                s.n(),
                s.runs(),
                Durations.format(s.sleep()),
                Durations.format(sequentialNanos(s.runs(), s.sleep())));
        Timing startClock = Timing.start();
        try (BackgroundPool pool = BackgroundPool.builder()
                .name("demo")
                .kind(s.executor().kind())
                .n(s.n())
                .awaitTasksAtExit(false)
                .build()) {
            Timing.Measurement startUp = null;
            if (s.executor().startsWorkers()) {
                out.printf(
                        "Starting the pool's workers (%s) and loading longFunc's classes in them...%n",
                        s.executor().description());
                out.flush();
                warmWorkers(pool, s.n());
                startUp = startClock.elapsed();
                out.printf(
                        "Worker start-up: %s wall (once per pool, before the calls; not in the timings below).%n%n",
                        Durations.format(startUp.wallNanos()));
            }
            Duration sleep = s.sleep();
            AsyncFunction<Integer, Table> call =
                    pool.task((Integer i) -> longFunc(i, sleep)).named("long_func");

            out.printf("%%time  futures = IntStream.range(0, %d).mapToObj(longFunc::apply).toList()%n", s.runs());
            Timing clock = Timing.start();
            List<Task<Table>> futures = new ArrayList<>(s.runs());
            for (int i = 0; i < s.runs(); i++) {
                futures.add(call.apply(i));
            }
            Timing.Measurement submits = clock.elapsed();
            out.println(submits);
            out.printf("The %d calls returned their futures at once: the work runs in the background.%n%n", s.runs());

            out.println("%%time  the same, then concat(futures.stream().map(Task::result).toList())");
            out.flush();
            Progress.of(futures).named("results").to(out).terminal(terminal).await();
            Table table = concat(futures.stream().map(Task::result).toList());
            Timing.Measurement whole = clock.elapsed();
            out.println(whole);
            out.println();
            if (printTable) {
                out.println(table.print());
                out.println();
            }
            out.println(verdict(s.runs(), s.n(), s.sleep(), whole.wallNanos()));
            if (startUp != null) {
                out.println(withStartUp(s.runs(), s.sleep(), startUp.wallNanos(), whole.wallNanos()));
            }
            out.flush();
            return new Batch(s, table, submits, whole);
        }
    }

    /**
     * "Crank it up": the same batch at {@code before.n()} and then at {@code afterN}, each told in
     * short, then their figures side by side.
     *
     * @param before the first batch (typically at the executor's default n)
     * @param afterN the n of the second batch, at least 1
     * @param out where the story goes
     * @param terminal whether to draw live progress bars
     * @return the two batches' figures, in order
     */
    public static List<Batch> crank(Settings before, int afterN, PrintWriter out, boolean terminal) {
        Settings after = before.withN(afterN);
        out.printf(
                "Crank it up: %d calls at n = %d, then at n = %d (like the post's background.n = %d).%n%n",
                before.runs(), before.n(), afterN, afterN);
        out.printf("=== n = %d ===%n", before.n());
        Batch a = tell(before, out, terminal, false);
        out.printf("%n=== n = %d ===%n", afterN);
        Batch b = tell(after, out, terminal, false);
        out.println();
        String row = "%-26s %-14s %-14s%n";
        out.printf(row, "", "n = " + before.n(), "n = " + afterN);
        out.printf(
                row,
                "submits (wall)",
                Durations.format(a.submits().wallNanos()),
                Durations.format(b.submits().wallNanos()));
        out.printf(
                row,
                "whole (wall)",
                Durations.format(a.whole().wallNanos()),
                Durations.format(b.whole().wallNanos()));
        out.printf(
                row,
                "waves of " + Durations.format(before.sleep()),
                waves(before.runs(), before.n()),
                waves(after.runs(), afterN));
        out.printf(
                row,
                "speed-up over " + Durations.format(sequentialNanos(before.runs(), before.sleep())),
                times(a.speedUp()),
                times(b.speedUp()));
        out.printf(row, "table rows", a.table().rowCount(), b.table().rowCount());
        out.println();
        long wavesBefore = waves(before.runs(), before.n());
        long wavesAfter = waves(after.runs(), afterN);
        if (wavesBefore == wavesAfter) {
            out.printf(
                    "Both ran the %d calls in %d wave%s: n = %d was already enough. Try a smaller --n with --crank.%n",
                    before.runs(), wavesBefore, wavesBefore == 1 ? "" : "s", before.n());
        } else {
            double gain = (double) a.whole().wallNanos() / Math.max(1, b.whole().wallNanos());
            out.printf(
                    "Going from n = %d to n = %d made the same %d calls %s faster: %d waves became %d.%n",
                    before.n(), afterN, before.runs(), times(gain), wavesBefore, wavesAfter);
        }
        out.flush();
        return List.of(a, b);
    }

    /**
     * One line that compares a batch with running its calls one after another, and says why the
     * speed-up is what it is: with {@code n} calls at once, {@code runs} calls take
     * {@code ceil(runs / n)} waves of one call each.
     *
     * @param runs how many calls
     * @param n how many ran at once
     * @param sleep how long one call takes
     * @param wallNanos the batch's wall time
     * @return the line, starting with {@code Speed-up: <figure>x}
     */
    public static String verdict(int runs, int n, Duration sleep, long wallNanos) {
        long sequential = sequentialNanos(runs, sleep);
        if (sequential == 0) {
            return "Speed-up: none to show: calls that sleep 0 s have nothing to overlap; the times above are the library's own cost.";
        }
        long waves = waves(runs, n);
        String head = String.format(
                Locale.ROOT,
                "Speed-up: %s over one call after another (%s -> %s). ",
                times(speedUp(runs, sleep, wallNanos)),
                Durations.format(sequential),
                Durations.format(wallNanos));
        return explainWaves(head, runs, n, waves, sleep) + startUpNote(waves, sleep, wallNanos);
    }

    /**
     * One line that counts the workers' start-up in: what a user who starts a pool for one batch
     * waits, compared with calling one after another.
     *
     * @param runs how many calls
     * @param sleep how long one call takes
     * @param startUpNanos the workers' start-up, wall time
     * @param batchNanos the batch's wall time
     * @return the line, starting with {@code With the workers' start-up}
     */
    static String withStartUp(int runs, Duration sleep, long startUpNanos, long batchNanos) {
        long total = startUpNanos + batchNanos;
        return String.format(
                Locale.ROOT,
                "With the workers' start-up: %s over one call after another (%s -> %s + %s = %s).",
                times(speedUp(runs, sleep, total)),
                Durations.format(sequentialNanos(runs, sleep)),
                Durations.format(startUpNanos),
                Durations.format(batchNanos),
                Durations.format(total));
    }

    /**
     * Starts the pool's workers and loads the classes of {@link #longFunc} in each (a call of it
     * that does not sleep), and waits for them: a new pool's workers are idle, so each of the
     * {@code n} calls goes to a worker of its own. Blocks until every call has ended.
     */
    private static void warmWorkers(BackgroundPool pool, int n) {
        AsyncFunction<Integer, Table> warm = pool.task((Integer i) -> longFunc(i, Duration.ZERO));
        List<Task<Table>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(warm.apply(i));
        }
        calls.forEach(Task::result);
    }

    /**
     * Says where the time went when the batch took well over its waves of calls: workers that had
     * to start first (worker JVMs, cluster members), whose cost a second batch would not pay.
     */
    static String startUpNote(long waves, Duration sleep, long wallNanos) {
        long ideal = sequentialNanos((int) Math.min(waves, Integer.MAX_VALUE), sleep);
        long extra = wallNanos - ideal;
        if (extra < Math.max(ideal / 2, 200_000_000L)) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                " Beyond those waves, %s went to getting the workers ready (starting worker JVMs, loading classes in them):"
                        + " a pool pays it once, not per batch.",
                Durations.format(extra));
    }

    private static String explainWaves(String head, int runs, int n, long waves, Duration sleep) {
        if (waves == 1) {
            return head
                    + String.format(
                            Locale.ROOT,
                            "n = %d >= runs = %d: all %d calls ran at once, so the batch took about one call's time (1 wave of %s).",
                            n,
                            runs,
                            runs,
                            Durations.format(sleep));
        }
        return head
                + String.format(
                        Locale.ROOT,
                        "n = %d < runs = %d: at most %d calls ran at once, so the batch took ceil(%d/%d) = %d waves of %s,"
                                + " %s at best (a speed-up of at most %s); n = %d would run it in one wave.",
                        n,
                        runs,
                        n,
                        runs,
                        n,
                        waves,
                        Durations.format(sleep),
                        Durations.format(sequentialNanos((int) waves, sleep)),
                        times((double) runs / waves),
                        runs);
    }

    static long waves(int runs, int n) {
        return (runs + (long) n - 1) / n;
    }

    static long sequentialNanos(int runs, Duration sleep) {
        long one = Durations.saturatedNanos(sleep);
        return one > Long.MAX_VALUE / runs ? Long.MAX_VALUE : one * runs;
    }

    static double speedUp(int runs, Duration sleep, long wallNanos) {
        return (double) sequentialNanos(runs, sleep) / Math.max(1, wallNanos);
    }

    private static String times(double factor) {
        return String.format(Locale.ROOT, factor >= 100 ? "%.0fx" : "%.1fx", factor);
    }

    /**
     * Loads and runs once the classes that the timed code uses (the pool, Tablesaw, whose first
     * use scans the class path), so that the first batch's figures show the cost of the calls,
     * not of the JVM loading classes. Takes a fraction of a second the first time, nothing after.
     */
    public static void warmUp() {
        try (BackgroundPool pool = BackgroundPool.builder()
                .name("warm-up")
                .n(1)
                .awaitTasksAtExit(false)
                .build()) {
            AsyncFunction<Integer, Table> call = pool.task((Integer i) -> longFunc(i, Duration.ZERO));
            List<Task<Table>> futures = List.of(call.apply(0), call.apply(1));
            for (Task<Table> ignored : Tasks.asCompleted(futures)) {
                // only loading classes
            }
            concat(futures.stream().map(Task::result).toList()).print();
            String unused = Timing.start().elapsed().toString();
        }
    }
}
