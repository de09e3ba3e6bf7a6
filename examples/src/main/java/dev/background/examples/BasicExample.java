package dev.background.examples;

import dev.background.Background;
import dev.background.Task;
import dev.background.Tasks;
import dev.background.function.AsyncCallable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The basic example: a hundred calls of a slow {@code work()}, all submitted at once and run in
 * the background, {@link Background#n()} at a time (one per CPU unless told otherwise). In Python:
 *
 * <pre>
 * &#64;background.task
 * def work():
 *     # Do something expensive here.
 *     time.sleep(10)
 *
 * for _ in range(100):
 *     work()
 * </pre>
 *
 * Run it with {@code bin/mvnw -q compile exec:java}-style tools, or from an IDE: it is a plain
 * {@code main}.
 */
public final class BasicExample {
    /** How long one call works. Python's example says 10 s; this one is short, to run in a second. */
    static final Duration WORK = Duration.ofMillis(20);

    private static final AtomicInteger DONE = new AtomicInteger();

    /** Like {@code @background.task}: calling {@code work.call()} submits it and returns at once. */
    static final AsyncCallable<Void> work = Background.task(() -> {
        Thread.sleep(WORK); // Do something expensive here.
        DONE.incrementAndGet();
    });

    private BasicExample() {}

    /**
     * Calls {@code work()} a hundred times, then waits for the calls and says how long they took.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        List<Task<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(work.call());
        }
        System.out.printf(
                "Submitted 100 calls of work() in %.3f ms; they run in the background, %d at a time.%n",
                (System.nanoTime() - t0) / 1e6, Background.n());

        // Python's interpreter waits for them at exit, and so would the JVM; waiting here lets us time them.
        Tasks.awaitAll(calls);
        System.out.printf(
                "All %d calls of work() done after %d ms (one after another: %d ms).%n",
                DONE.get(), (System.nanoTime() - t0) / 1_000_000, 100 * WORK.toMillis());
    }
}
