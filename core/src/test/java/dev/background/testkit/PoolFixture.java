package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the kind-generic test suites share: pools of the kind under test, closed after each test,
 * and the cross-process {@link Signal}s and {@link Counter}s of a test. Subclass a suite
 * ({@link PoolContract}, {@link RetryAndScheduleContract}), not this.
 */
public abstract class PoolFixture {

    /** Longest wait for something that should happen; only a failing test waits it out. */
    protected static final Duration PATIENCE = Signal.PATIENCE;
    /** A wait meant to run out, on a task that is blocked until the test lets it go. */
    protected static final Duration SHORT = Duration.ofMillis(50);

    /**
     * A per-function time limit that a call doing nothing always meets, round trip to its worker
     * included. Kinds with slow round trips (worker processes) may return more.
     *
     * @return the limit; 250 ms by default
     */
    protected Duration timeLimitMetByQuickCalls() {
        return Duration.ofMillis(250);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    @TempDir
    Path dir;

    private final List<BackgroundPool> pools = new ArrayList<>();

    /**
     * A builder set to the kind under test (and whatever that kind needs); the tests set the name
     * and {@code n} themselves, and may set callbacks and {@code keepResults}.
     *
     * @return a new builder
     */
    protected abstract BackgroundPool.Builder newPoolBuilder();

    /** Builds a pool of the kind under test, closed after the test. */
    protected final BackgroundPool pool(int n) {
        return build(newPoolBuilder().n(n));
    }

    /** Builds a pool from a builder got from {@link #newPoolBuilder()}, closed after the test. */
    protected final BackgroundPool build(BackgroundPool.Builder builder) {
        BackgroundPool p = builder.name("contract-" + POOLS.incrementAndGet()).build();
        pools.add(p);
        return p;
    }

    @AfterEach
    final void closePools() throws InterruptedException {
        for (BackgroundPool p : pools) {
            p.shutdownNow();
        }
        for (BackgroundPool p : pools) {
            assertThat(p.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("pool %s terminates after shutdownNow", p)
                    .isTrue();
        }
    }

    /** A new signal, private to this test. */
    protected final Signal signal(String name) {
        return new Signal(dir.resolve(name).toString());
    }

    /** A new counter, private to this test. */
    protected final Counter counter(String name) {
        return new Counter(dir.resolve(name).toString());
    }

    protected static ConditionFactory eventually() {
        return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5));
    }
}
