package dev.background.examples;

import dev.background.Background;
import dev.background.Task;
import dev.background.function.AsyncFunction;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The data science example of the post: a slow function that returns a DataFrame (a Tablesaw
 * {@link Table}), called ten times in the background; the results, concatenated, arrive in the
 * time of one call. In Python:
 *
 * <pre>
 * &#64;background.task
 * def long_func(i):
 *     sleep(10)
 *     return pd.DataFrame({'number_squared': [i**2]})
 *
 * futures = [long_func(i) for i in range(10)]
 * pd.concat([future.result() for future in futures])
 * </pre>
 */
public final class DataScienceExample {
    /** How long one call takes. The post's is 10 s; this one is short, to run in a blink. */
    static final Duration SLEEP = Duration.ofMillis(100);

    /** "Simulates fetching data from a service and returning a DataFrame." */
    static final AsyncFunction<Integer, Table> longFunc = Background.task((Integer i) -> {
        Thread.sleep(SLEEP);
        return Table.create("long_func", LongColumn.create("number_squared", (long) i * i));
    });

    private DataScienceExample() {}

    /**
     * Calls {@code longFunc} ten times, concatenates the results and prints them with the time.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Background.n(10); // the post's machine ran its ten calls at once
        Table.create("warm-up"); // Tablesaw's first use scans the class path: not part of the story's time

        long t0 = System.nanoTime();
        List<Task<Table>> futures =
                IntStream.range(0, 10).mapToObj(longFunc::apply).toList();
        long submitted = System.nanoTime();

        // pd.concat([future.result() for future in futures]): result() waits for each call.
        Table all = Table.create("concat", LongColumn.create("number_squared"));
        for (Task<Table> future : futures) {
            all.append(future.result());
        }
        long done = System.nanoTime();

        System.out.printf(
                "10 calls submitted in %.3f ms; all 10 results concatenated after %d ms"
                        + " (one call: %d ms; one after another: %d ms).%n",
                (submitted - t0) / 1e6, (done - t0) / 1_000_000, SLEEP.toMillis(), 10 * SLEEP.toMillis());
        System.out.println(all.printAll());
    }
}
