package consumer;

/**
 * Runs the README's code as written, only faster. In the body of a subclass, {@code Thread} is
 * the member class below, which shadows {@code java.lang.Thread}: the README's
 * {@code Thread.sleep(10_000)} sleeps 10 s / {@link #SPEED_UP} = 200 ms, and nothing else of the
 * code changes.
 */
abstract class ReadmeTime {
    /** How many times faster than the README says the programs' calls sleep. */
    static final int SPEED_UP = 50;

    ReadmeTime() {}

    /** Stands in for {@code java.lang.Thread} in the README's code: only {@code sleep} is used. */
    static final class Thread {
        private Thread() {}

        static void sleep(long millis) throws InterruptedException {
            java.lang.Thread.sleep(millis / SPEED_UP);
        }
    }
}
