// The background playground: the post's story, by hand ("try different values of
// background.n and n_runs"). ./playground opens JShell with this script loaded.

import dev.background.*;
import dev.background.function.*;
import dev.background.cli.Durations;
import dev.background.cli.Story;
import dev.background.cli.Timing;
import java.time.Duration;
import java.util.stream.IntStream;
import tech.tablesaw.api.*;

// How long one call of longFunc sleeps. Make it shorter to try many values quickly.
Duration sleep = Duration.ofSeconds(1);

// The post's long_func: "simulates fetching data from a service and returning a DataFrame".
// Calling longFunc.apply(i) submits the call and returns its Task (a future) at once.
AsyncFunction<Integer, Table> longFunc = Background.task((Integer i) -> {
    Thread.sleep(sleep);
    return Table.create("long_func", LongColumn.create("number_squared", (long) i * i));
});

// Calls longFunc `runs` times at the current Background.n(), like the post's two %time cells:
// prints the time of the submits alone, then of the whole (submits, results, concat), and the
// speed-up over one call after another. Returns the concatenated table.
Table time(int runs) {
    System.out.printf("%d calls of longFunc (%s each) at n = %d%n", runs, Durations.format(sleep), Background.n());
    Timing clock = Timing.start();
    List<Task<Table>> futures = IntStream.range(0, runs).mapToObj(longFunc::apply).toList();
    System.out.println("%time  futures = ... (the submits)\n" + clock.elapsed());
    Table table = Story.concat(futures.stream().map(Task::result).toList());
    Timing.Measurement whole = clock.elapsed();
    System.out.println("%%time the submits, the results and concat\n" + whole);
    System.out.println(Story.verdict(runs, Background.n(), sleep, whole.wallNanos()));
    return table;
}

// Load the library and Tablesaw now, so that the first time() measures the calls, not class loading.
Story.warmUp();

System.out.println("""
    background playground. longFunc(i) sleeps `sleep` (now %s), then returns a Table.
      time(10)                       10 calls at the current n (Background.n() is %d here)
      Background.n(10)               like the post's background.n = 10; then time(10) again
      sleep = Duration.ofMillis(200) shorter calls
      longFunc.apply(3).result()     one call, waited for
      /exit                          leave
    """.formatted(Durations.format(sleep), Background.n()));
