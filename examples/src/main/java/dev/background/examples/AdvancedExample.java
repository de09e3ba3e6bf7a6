package dev.background.examples;

import dev.background.Background;
import dev.background.function.AsyncFunction;
import java.time.Duration;

/**
 * The advanced example: forty calls at once ({@code background.n = 40}) and a callback that
 * prints each result as its call ends ({@code @background.callback}). In Python:
 *
 * <pre>
 * background.n = 40
 *
 * &#64;background.task
 * def work():
 *     time.sleep(10)
 *
 * &#64;background.callback
 * def work_callback(future):
 *     print(future.result())
 *
 * for _ in range(100):
 *     work()
 * </pre>
 *
 * Like Python, the program does not wait for its calls: when {@code main} returns, the JVM runs
 * the calls already submitted to the end, callbacks included, before it exits.
 */
public final class AdvancedExample {
    /** How long one call works; short, so that 100 calls at n = 40 take three waves of 20 ms. */
    static final Duration WORK = Duration.ofMillis(20);

    private AdvancedExample() {}

    /**
     * Sets n to 40, registers the callback, submits a hundred calls and returns.
     *
     * @param args ignored
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback prints every result: no one waits on the tasks
    public static void main(String[] args) {
        Background.n(40); // background.n = 40

        // @background.callback: runs for every call that ends from now on, in the worker that ran it.
        Background.callback(future -> System.out.println(future.result()));

        AsyncFunction<Integer, String> work = Background.task((Integer i) -> {
            Thread.sleep(WORK);
            return "work(" + i + ") = " + i * i;
        });

        for (int i = 0; i < 100; i++) {
            work.apply(i);
        }
        System.out.println("Submitted 100 calls, 40 at a time; each result is printed as its call ends.");
    }
}
