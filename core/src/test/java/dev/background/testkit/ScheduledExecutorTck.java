package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cases of the JSR-166 TCK's {@code ScheduledExecutorTest} that apply to a
 * {@link BackgroundPool}, ported to run on every executor kind. The TCK was written by Doug Lea
 * with assistance from members of JCP JSR-166 Expert Group and released to the public domain, as
 * explained at http://creativecommons.org/publicdomain/zero/1.0/ (other contributors: Andrew
 * Wright, Jeffrey Hayes, Pat Fisher, Mike Judd). Each test keeps the TCK's name.
 *
 * <p>What changed in the port: task bodies are static and count through {@link Counter}s,
 * {@link Signal}s and a file of start times, so that they may run in another process; latches
 * are awaited with Awaitility. Left out: the cases about {@code ScheduledThreadPoolExecutor}'s own
 * methods (pool sizes, queue, thread factory, {@code purge}, {@code remove}, the shutdown-policy
 * setters), about {@code ThreadPoolExecutor} counters, and {@code ScheduledExecutorSubclassTest},
 * which tests {@code decorateTask} of subclasses; the {@code invokeAll}/{@code invokeAny}/
 * {@code submit} cases are {@link PoolContract}'s. One deliberate difference, documented on
 * {@link BackgroundPool#shutdownNow()}: the tasks it returns are cancelled, where the JDK's are
 * left pending ({@link #testShutdownNow_delayedTasks}).
 */
public abstract class ScheduledExecutorTck extends PoolFixture {

    /** The TCK's {@code timeoutMillis()}: a delay short enough to wait out in every test. */
    private static final long DELAY_MS = 12;

    static void count(Counter c) {
        c.enter();
        c.exit();
    }

    /** Appends this run's start ({@link System#nanoTime()}, one clock on one machine) to a file. */
    static void stamp(String file) {
        try {
            Files.writeString(
                    Path.of(file),
                    System.nanoTime() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Long> stamps(String file) throws IOException {
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            return List.of();
        }
        return Files.readAllLines(p).stream().map(Long::parseLong).toList();
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void testExecute() {
        BackgroundPool p = pool(1);
        Counter ran = counter("ran");

        p.execute((Runnable & Serializable) () -> count(ran));

        eventually().until(() -> ran.total() == 1);
    }

    @Test
    void testSchedule1() throws Exception {
        BackgroundPool p = pool(1);
        long start = System.nanoTime();

        Future<Boolean> f = p.schedule((Callable<Boolean> & Serializable) () -> true, DELAY_MS, TimeUnit.MILLISECONDS);

        assertThat(f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(DELAY_MS);
    }

    @Test
    void testSchedule3() throws Exception {
        BackgroundPool p = pool(1);
        Counter ran = counter("ran");
        long start = System.nanoTime();

        Future<?> f = p.schedule((Runnable & Serializable) () -> count(ran), DELAY_MS, TimeUnit.MILLISECONDS);

        assertThat(f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(DELAY_MS);
        assertThat(ran.total()).isEqualTo(1);
    }

    @Test
    void testSchedule4() throws IOException {
        BackgroundPool p = pool(1);
        String starts = file("starts");
        long start = System.nanoTime();

        ScheduledFuture<?> f = p.scheduleAtFixedRate(
                (Runnable & Serializable) () -> stamp(starts), DELAY_MS, PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

        eventually().until(() -> stamps(starts).size() == 1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(stamps(starts).get(0) - start)).isGreaterThanOrEqualTo(DELAY_MS);
        f.cancel(true);
    }

    @Test
    void testSchedule5() throws IOException {
        BackgroundPool p = pool(1);
        String starts = file("starts");
        long start = System.nanoTime();

        ScheduledFuture<?> f = p.scheduleWithFixedDelay(
                (Runnable & Serializable) () -> stamp(starts), DELAY_MS, PATIENCE.toMillis(), TimeUnit.MILLISECONDS);

        eventually().until(() -> stamps(starts).size() == 1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(stamps(starts).get(0) - start)).isGreaterThanOrEqualTo(DELAY_MS);
        f.cancel(true);
    }

    /**
     * scheduleAtFixedRate runs at the given rate: eventually {@code cycles - 1 <= elapsed / delay
     * < cycles}. As in the TCK, a machine too busy for a short delay retries with a longer one.
     */
    @Test
    void testFixedRateSequence() {
        BackgroundPool p = pool(1);
        for (int delay = 1; delay <= 10_000; delay *= 3) {
            Counter runs = counter("runs-" + delay);
            long start = System.nanoTime();
            int cycles = 8;
            ScheduledFuture<?> periodic =
                    p.scheduleAtFixedRate((Runnable & Serializable) () -> count(runs), 0, delay, TimeUnit.MILLISECONDS);
            long totalDelay = (long) (cycles - 1) * delay;
            eventually().atMost(PATIENCE.plusMillis(totalDelay)).until(() -> runs.total() >= cycles);
            periodic.cancel(true);
            long elapsed = millisSince(start);
            assertThat(elapsed).isGreaterThanOrEqualTo(totalDelay);
            if (elapsed <= (long) cycles * delay) {
                return;
            }
        }
        throw new AssertionError("unexpected execution rate");
    }

    /**
     * scheduleWithFixedDelay runs each time at least {@code delay}, and eventually at most
     * {@code 2 delay}, after the previous run.
     */
    @Test
    void testFixedDelaySequence() throws IOException {
        BackgroundPool p = pool(1);
        for (int delay = 1; delay <= 10_000; delay *= 3) {
            String starts = file("starts-" + delay);
            long start = System.nanoTime();
            int cycles = 8;
            ScheduledFuture<?> periodic = p.scheduleWithFixedDelay(
                    (Runnable & Serializable) () -> stamp(starts), 0, delay, TimeUnit.MILLISECONDS);
            long totalDelay = (long) (cycles - 1) * delay;
            eventually()
                    .atMost(PATIENCE.plusMillis((long) cycles * 10_000))
                    .until(() -> stamps(starts).size() >= cycles);
            periodic.cancel(true);
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(totalDelay);
            List<Long> s = stamps(starts);
            boolean tryLonger = TimeUnit.NANOSECONDS.toMillis(s.get(0) - start) >= delay;
            for (int i = 1; i < cycles; i++) {
                long gap = TimeUnit.NANOSECONDS.toMillis(s.get(i) - s.get(i - 1));
                assertThat(gap).as("gap before run %d", i).isGreaterThanOrEqualTo(delay);
                tryLonger |= gap >= 2L * delay;
            }
            if (!tryLonger) {
                return;
            }
        }
        throw new AssertionError("unexpected execution rate");
    }

    @Test
    @SuppressWarnings("NullAway") // the point: null where the JDK contract demands an NPE
    void testExecuteNull() {
        BackgroundPool p = pool(1);
        assertThatThrownBy(() -> p.execute(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @SuppressWarnings("NullAway") // the point: null where the JDK contract demands an NPE
    void testScheduleNull() {
        BackgroundPool p = pool(1);
        Callable<String> none = null;
        assertThatThrownBy(() -> p.schedule(none, 1, TimeUnit.MILLISECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.scheduleAtFixedRate(null, 1, 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.schedule((Runnable & Serializable) () -> {}, 1, null))
                .isInstanceOf(NullPointerException.class);
    }

    /** The TCK's five {@code *_RejectedExecutionException} cases in one. */
    @Test
    void testSchedule_RejectedExecutionException() {
        BackgroundPool p = pool(1);
        Runnable noop = (Runnable & Serializable) () -> {};
        Callable<String> call = (Callable<String> & Serializable) () -> "x";
        p.shutdown();

        assertThatThrownBy(() -> p.schedule(noop, 10, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.schedule(call, 10, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.scheduleAtFixedRate(noop, 10, 10, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.scheduleWithFixedDelay(noop, 10, 10, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void testIsShutdown() {
        BackgroundPool p = pool(1);
        assertThat(p.isShutdown()).isFalse();
        p.shutdown();
        assertThat(p.isShutdown()).isTrue();
    }

    @Test
    void testIsTerminated() throws InterruptedException {
        BackgroundPool p = pool(1);
        Signal started = signal("started");
        Signal done = signal("done");
        p.execute((Runnable & Serializable) () -> {
            started.fire();
            try {
                done.block();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        assertThat(p.isTerminated()).isFalse();
        done.fire();
        p.shutdown();
        assertThat(p.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isTrue();
        assertThat(p.isTerminated()).isTrue();
    }

    /** Ported with the one deliberate difference: the tasks listed are cancelled. */
    @Test
    void testShutdownNow_delayedTasks() throws InterruptedException {
        BackgroundPool p = pool(1);
        Runnable r = (Runnable & Serializable) () -> {};
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(p.schedule(r, 9, TimeUnit.SECONDS));
            tasks.add(p.scheduleAtFixedRate(r, 9, 9, TimeUnit.SECONDS));
            tasks.add(p.scheduleWithFixedDelay(r, 9, 9, TimeUnit.SECONDS));
        }

        List<Runnable> queued = p.shutdownNow();

        assertThat(p.isShutdown()).isTrue();
        assertThat(queued)
                .hasSameSizeAs(tasks)
                .containsExactlyInAnyOrderElementsOf(
                        tasks.stream().map(t -> (Runnable) t).toList());
        assertThat(tasks).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
        assertThat(p.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isTrue();
        assertThat(p.isTerminated()).isTrue();
    }

    /**
     * By default, periodic tasks are cancelled at shutdown and delayed ones still run: the TCK's
     * case for the default policy (the setters that change it are {@code ScheduledThreadPoolExecutor}'s own).
     */
    @Test
    void testShutdown_cancellation() throws Exception {
        int poolSize = 2;
        BackgroundPool p = pool(poolSize);
        Counter blocked = counter("blocked");
        Counter ran = counter("ran");
        Signal unblock = signal("unblock");
        Counter periodicRuns = counter("periodic");
        Runnable task = (Runnable & Serializable) () -> {
            count(blocked);
            try {
                unblock.block();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            count(ran);
        };
        List<Future<?>> blockers = new ArrayList<>();
        for (int i = 0; i < poolSize; i++) {
            blockers.add(p.submit(task));
        }
        eventually().until(() -> blocked.total() == poolSize);
        List<Future<?>> periodics = List.of(
                p.scheduleAtFixedRate((Runnable & Serializable) () -> count(periodicRuns), 1, 1, TimeUnit.MILLISECONDS),
                p.scheduleWithFixedDelay(
                        (Runnable & Serializable) () -> count(periodicRuns), 1, 1, TimeUnit.MILLISECONDS));
        Future<?> delayed = p.schedule(task, 1, TimeUnit.MILLISECONDS);

        p.shutdown();

        assertThat(p.isShutdown()).isTrue();
        assertThat(p.isTerminated()).isFalse();
        assertThat(periodics).allSatisfy(f -> {
            assertThat(f.isCancelled()).isTrue();
            assertThat(f.isDone()).isTrue();
        });
        assertThat(delayed.isCancelled()).isFalse();
        assertThat(delayed.isDone()).isFalse();
        unblock.fire();
        assertThat(delayed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(p.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isTrue();
        assertThat(p.isTerminated()).isTrue();
        assertThat(ran.total()).isEqualTo(3);
        assertThat(blockers).allSatisfy(f -> assertThat(f.isDone()).isTrue());
    }

    /** Not in the TCK: the shape of a delay as {@code getDelay} reports it, before and after the run. */
    @Test
    void getDelayCountsDownToTheRunAndOrdersByIt() throws Exception {
        BackgroundPool p = pool(1);
        Runnable r = (Runnable & Serializable) () -> {};
        ScheduledFuture<?> later = p.schedule(r, 1, TimeUnit.HOURS);
        ScheduledFuture<?> sooner = p.schedule(r, 1, TimeUnit.MINUTES);

        assertThat(later.getDelay(TimeUnit.MINUTES)).isBetween(58L, 60L);
        assertThat(sooner.compareTo(later)).isNegative();
        assertThat(later.compareTo(sooner)).isPositive();
        later.cancel(false);
        sooner.cancel(false);
        ScheduledFuture<?> now = p.schedule(r, Duration.ZERO.toMillis(), TimeUnit.MILLISECONDS);
        now.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(now.getDelay(TimeUnit.NANOSECONDS)).isNotPositive();
    }
}
