package consumer;

import dev.background.Background;
import dev.background.Task;
import java.util.List;
import java.util.stream.IntStream;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The README's slow function that returns a DataFrame, called ten times: prints the concatenated
 * table, then how long the ten calls took against how long one call sleeps.
 */
final class DataFrameExample extends ReadmeTime {
    private DataFrameExample() {}

    public static void main(String[] args) {
        Background.n(10);        // the README's "n >= 10": the ten calls run at once
        Table.create("warm-up"); // Tablesaw's first use scans the class path: not part of the calls' time
        long t0 = System.nanoTime();

        var longFunc = Background.task((Integer i) -> {      // the post's long_func
            Thread.sleep(10_000);
            return Table.create(IntColumn.create("number_squared", new int[] {i * i}));   // Tablesaw, one row
        });
        List<Task<Table>> futures = IntStream.range(0, 10).mapToObj(longFunc::apply).toList(); // µs
        Table all = futures.get(0).result();
        futures.stream().skip(1).forEach(f -> all.append(f.result()));       // ~10 s, not 100 s (n >= 10)

        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(all.printAll());
        System.out.printf("10 calls in %d ms; one call sleeps %d ms%n", elapsed, 10_000 / SPEED_UP);
    }
}
