package dev.background.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.PoolListener;
import dev.background.RetryPolicy;
import dev.background.Task;
import dev.background.function.AsyncCallable;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Retries, delayed calls and periodic tasks, as every executor kind owes them: written once and
 * run against each kind (subclass it as {@link PoolContract}, whose rules hold here too: task
 * bodies are static and capture only serialisable values; no sleeps; durations only as lower
 * bounds or as limits that can only make a test slower).
 */
public abstract class RetryAndScheduleContract extends PoolFixture {

    private static final Duration FOREVER = Duration.ofHours(1);

    /** Counts an attempt; fails with "attempt k" until the {@code succeedAt}-th. */
    static int failUntil(Counter attempts, int succeedAt) throws IOException {
        attempts.enter();
        attempts.exit();
        long k = attempts.total();
        if (k < succeedAt) {
            throw new IOException("attempt " + k);
        }
        return (int) k;
    }

    /** As {@link #blockFirst(Counter, Signal)}, firing {@code started} first. */
    static int blockFirst(Counter attempts, Signal never, Signal started) throws InterruptedException {
        started.fire();
        return blockFirst(attempts, never);
    }

    /** Counts an attempt; the first blocks until interrupted, the others return their number. */
    static int blockFirst(Counter attempts, Signal never) throws InterruptedException {
        attempts.enter();
        attempts.exit();
        long k = attempts.total();
        if (k == 1) {
            never.block();
        }
        return (int) k;
    }

    private static RetryPolicy quickRetries(int attempts) {
        return RetryPolicy.builder()
                .maxAttempts(attempts)
                .delay(Duration.ofMillis(1))
                .build();
    }

    // ------------------------------------------------------------------ retries

    @Test
    void aFunctionThatFailsTwiceThenSucceedsReturnsItsValueAtAttemptThree() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        var fn = pool.task(() -> failUntil(attempts, 3)).retry(quickRetries(5));

        Task<Integer> t = fn.call();

        assertThat(t.result(PATIENCE)).isEqualTo(3);
        assertThat(t.attempt()).isEqualTo(3);
        assertThat(attempts.total()).isEqualTo(3);
    }

    @Test
    void theFinalFailureIsTheLastAttemptsWithTheEarlierOnesSuppressed() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        var fn = pool.task(() -> failUntil(attempts, Integer.MAX_VALUE)).retry(quickRetries(3));

        Throwable failure = fn.call().exception(PATIENCE);

        assertThat(failure).isInstanceOf(IOException.class).hasMessage("attempt 3");
        assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage))
                .containsExactly("attempt 1", "attempt 2");
    }

    @Test
    void aBackoffHoldsNoWorkerAndCancelStopsTheRetriesDuringIt() {
        BackgroundPool pool = pool(1);
        Counter attempts = counter("attempts");
        var waitsLong = RetryPolicy.builder().maxAttempts(2).delay(FOREVER).build();
        Task<Integer> retried =
                pool.task(() -> failUntil(attempts, 2)).retry(waitsLong).call();
        eventually().until(() -> retried.attempt() == 2); // the first attempt failed: in its backoff

        Task<String> other = pool.run(() -> "ran during the backoff");

        assertThat(other.result(PATIENCE)).isEqualTo("ran during the backoff");
        assertThat(retried.cancel(true)).isTrue();
        assertThat(retried.isCancelled()).isTrue();
        assertThat(attempts.total()).isEqualTo(1);
    }

    @Test
    void aTimeoutLimitsEachAttemptNotTheirSum() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        Signal never = signal("never");
        var fn = pool.task(() -> blockFirst(attempts, never))
                .timeout(timeLimitMetByQuickCalls())
                .retry(quickRetries(2));

        Task<Integer> t = fn.call();

        assertThat(t.result(PATIENCE)).isEqualTo(2);
        assertThat(t.attempt()).isEqualTo(2);
    }

    @Test
    void anAttemptThatRunsPastItsLimitFailsWithATimeout() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        Signal never = signal("never");
        var fn = pool.task(() -> blockFirst(attempts, never))
                .timeout(timeLimitMetByQuickCalls())
                .retry(RetryPolicy.builder()
                        .maxAttempts(2)
                        .abortOn(TimeoutException.class)
                        .build());

        assertThat(fn.call().exception(PATIENCE)).isInstanceOf(TimeoutException.class);
        assertThat(attempts.total()).isEqualTo(1);
    }

    @Test
    void aPoolsDefaultPolicyRetriesEveryCallUnlessItsFunctionOptsOut() {
        BackgroundPool pool = build(newPoolBuilder().n(2).retry(quickRetries(3)));
        Counter first = counter("first");
        Counter second = counter("second");

        Task<Integer> retried = pool.run(() -> failUntil(first, 2));
        Task<Integer> notRetried =
                pool.task(() -> failUntil(second, 2)).retry(RetryPolicy.none()).call();

        assertThat(retried.result(PATIENCE)).isEqualTo(2);
        assertThat(notRetried.exception(PATIENCE)).hasMessage("attempt 1");
        assertThat(notRetried.attempt()).isEqualTo(1);
    }

    @Test
    void onlyTheFailuresThePolicyNamesAreRetried() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        var onlyState = RetryPolicy.builder()
                .maxAttempts(3)
                .retryOn(IllegalStateException.class)
                .build();

        Throwable failure =
                pool.task(() -> failUntil(attempts, 3)).retry(onlyState).call().exception(PATIENCE);

        assertThat(failure).isInstanceOf(IOException.class).hasMessage("attempt 1");
        assertThat(failure.getSuppressed()).isEmpty();
    }

    @Test
    void aRetryPredicateThatThrowsFailsTheTaskWithItsFailureAndIsLogged() {
        BackgroundPool pool = pool(2);
        Counter attempts = counter("attempts");
        var broken = RetryPolicy.builder()
                .retryIf(e -> {
                    throw new IllegalStateException("predicate bug");
                })
                .build();

        try (LogCapture log = LogCapture.start()) {
            Throwable failure =
                    pool.task(() -> failUntil(attempts, 2)).retry(broken).call().exception(PATIENCE);

            assertThat(failure).hasMessage("attempt 1");
            assertThat(failure.getSuppressed()).singleElement().hasFieldOrPropertyWithValue("message", "predicate bug");
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getThrown()).hasMessage("predicate bug"));
        }
        assertThat(pool.run(() -> "unaffected").result(PATIENCE)).isEqualTo("unaffected");
    }

    // ------------------------------------------------------------------ delays

    @Test
    void aDelayedCallRunsNoEarlierThanItsDelay() {
        BackgroundPool pool = pool(1);
        Duration delay = Duration.ofMillis(100);
        long start = System.nanoTime();

        Task<String> t = pool.task(() -> "later").after(delay).call();

        assertThat(t.result(PATIENCE)).isEqualTo("later");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
    }

    @Test
    void aWaitingDelayedCallHoldsNoWorkerAndACancelMeansItNeverRuns() {
        BackgroundPool pool = pool(1);
        Counter runs = counter("runs");
        AsyncCallable<Integer> later = pool.task(() -> failUntil(runs, 1)).after(FOREVER);

        Task<Integer> waiting = later.call();

        assertThat(pool.run(() -> "meanwhile").result(PATIENCE)).isEqualTo("meanwhile");
        assertThat(waiting.cancel(false)).isTrue();
        pool.shutdown();
        assertThat(awaitTermination(pool)).isTrue();
        assertThat(runs.total()).isZero();
    }

    @Test
    void negativeDelaysAndPeriodsAreRefusedAtTheBoundary() {
        BackgroundPool pool = pool(1);
        var fn = pool.task(() -> 1);
        Runnable noop = (Runnable & Serializable) () -> {};

        assertThatThrownBy(() -> fn.after(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> fn.after(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("delay");
        assertThatThrownBy(() -> pool.scheduleAtFixedRate(noop, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period");
        assertThatThrownBy(() -> pool.scheduleWithFixedDelay(noop, 0, -1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.builder().delay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fn.retry(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("policy");
    }

    // ------------------------------------------------------------------ ScheduledExecutorService

    @Test
    void scheduleCallsOnceAfterItsDelayAndItsFutureIsATask() throws Exception {
        BackgroundPool pool = pool(1);

        ScheduledFuture<String> f = pool.schedule(
                (java.util.concurrent.Callable<String> & Serializable) () -> "scheduled", 10, TimeUnit.MILLISECONDS);

        assertThat(f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("scheduled");
        assertThat(f instanceof Task<?>).as("a Task").isTrue();
        assertThat(f.getDelay(TimeUnit.NANOSECONDS)).isNotPositive();
    }

    @Test
    void aPeriodicTaskRunsUntilCancelledHoldingNoWorkerBetweenRuns() {
        BackgroundPool pool = pool(1);
        Counter runs = counter("runs");

        ScheduledFuture<?> f = pool.scheduleWithFixedDelay(
                (Runnable & Serializable) () -> {
                    runs.enter();
                    runs.exit();
                },
                0,
                1,
                TimeUnit.MILLISECONDS);

        eventually().until(() -> runs.total() >= 3);
        assertThat(pool.run(() -> "between runs").result(PATIENCE)).isEqualTo("between runs");
        assertThat(f.cancel(false)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void aPeriodicTaskThatThrowsStopsAndItsFutureFailsWithTheException() throws InterruptedException {
        BackgroundPool pool = pool(1);
        Counter runs = counter("runs");

        ScheduledFuture<?> f = pool.scheduleAtFixedRate(
                (Runnable & Serializable) () -> {
                    try {
                        failUntil(runs, 2); // the first run throws
                    } catch (IOException e) {
                        throw new IllegalStateException("run failed", e);
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        pool.shutdown();
        assertThat(awaitTermination(pool)).isTrue();
        assertThat(runs.total()).isEqualTo(1);
    }

    @Test
    void shutdownLetsDelayedCallsRunAndCancelsPeriodicTasks() throws Exception {
        BackgroundPool pool = pool(1);
        Runnable noop = (Runnable & Serializable) () -> {};
        ScheduledFuture<String> delayed = pool.schedule(
                (java.util.concurrent.Callable<String> & Serializable) () -> "ran after shutdown",
                50,
                TimeUnit.MILLISECONDS);
        ScheduledFuture<?> periodic = pool.scheduleAtFixedRate(noop, 1, 1, TimeUnit.HOURS);

        pool.shutdown();

        assertThat(periodic.isCancelled()).isTrue();
        assertThat(delayed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ran after shutdown");
        assertThat(awaitTermination(pool)).isTrue();
    }

    @Test
    void shutdownNowCancelsAndListsWaitingDelayedAndPeriodicTasks() {
        BackgroundPool pool = pool(1);
        Runnable noop = (Runnable & Serializable) () -> {};
        ScheduledFuture<?> delayed = pool.schedule(noop, 1, TimeUnit.HOURS);
        ScheduledFuture<?> periodic = pool.scheduleWithFixedDelay(noop, 1, 1, TimeUnit.HOURS);
        Task<Integer> later = pool.task(() -> 1).after(FOREVER).call();

        List<Runnable> neverRan = pool.shutdownNow();

        assertThat(neverRan).containsExactlyInAnyOrder((Runnable) delayed, (Runnable) periodic, (Runnable) later);
        assertThat(List.of(delayed, periodic, later))
                .allSatisfy(f -> assertThat(f.isCancelled()).isTrue());
        assertThat(awaitTermination(pool)).isTrue();
    }

    // ------------------------------------------------------------------ runs, as listeners see them

    /** Counts a run; the third throws, which stops a periodic task. */
    static void thirdRunThrows(Counter runs) {
        runs.enter();
        runs.exit();
        if (runs.total() >= 3) {
            throw new IllegalStateException("run " + runs.total());
        }
    }

    /** What a listener is told about each task, in order: submitted, started, run ended, ended. */
    protected static final class RunRecorder implements PoolListener {
        private final Map<Object, List<String>> seen = new ConcurrentHashMap<>();

        private void add(Object task, String what) {
            List<String> events = seen.computeIfAbsent(task, t -> new ArrayList<>());
            synchronized (events) {
                events.add(what);
            }
        }

        /** The events of {@code task} so far. */
        public List<String> of(Object task) {
            List<String> events = seen.getOrDefault(task, List.of());
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        @Override
        public void taskSubmitted(BackgroundPool pool, Task<?> task) {
            add(task, "submitted");
        }

        @Override
        public void taskStarted(BackgroundPool pool, Task<?> task) {
            add(task, "started");
        }

        @Override
        public void runEnded(BackgroundPool pool, Task<?> task) {
            add(task, "run ended");
        }

        @Override
        public void taskEnded(BackgroundPool pool, Task<?> task) {
            add(task, "ended");
        }
    }

    private static final List<String> THREE_RUNS =
            List.of("submitted", "started", "run ended", "started", "run ended", "started", "run ended", "ended");

    @Test
    void listenersHearEachAttemptOfARetriedCallStartAndEndBeforeItsTaskEnds() {
        RunRecorder recorder = new RunRecorder();
        BackgroundPool pool = build(newPoolBuilder().n(2).listener(recorder));
        Counter attempts = counter("attempts");

        Task<Integer> t =
                pool.task(() -> failUntil(attempts, 3)).retry(quickRetries(5)).call();

        assertThat(t.result(PATIENCE)).isEqualTo(3);
        eventually().until(() -> recorder.of(t).contains("ended"));
        assertThat(recorder.of(t)).containsExactlyElementsOf(THREE_RUNS);
    }

    @Test
    void listenersHearEachRunOfAPeriodicTaskStartAndEndBeforeItsTaskEnds() {
        RunRecorder recorder = new RunRecorder();
        BackgroundPool pool = build(newPoolBuilder().n(2).listener(recorder));
        Counter runs = counter("runs");

        ScheduledFuture<?> f = pool.scheduleAtFixedRate(
                (Runnable & Serializable) () -> thirdRunThrows(runs), 0, 1, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class);
        eventually().until(() -> recorder.of(f).contains("ended"));
        assertThat(recorder.of(f)).containsExactlyElementsOf(THREE_RUNS);
    }

    @Test
    void aRunCancelledWhileItRunsIsHeardEndedBeforeItsTask() {
        RunRecorder recorder = new RunRecorder();
        BackgroundPool pool = build(newPoolBuilder().n(2).listener(recorder));
        Signal started = signal("started");
        Signal never = signal("never");
        Counter attempts = counter("attempts");

        Task<Integer> t = pool.task(() -> blockFirst(attempts, never, started))
                .retry(quickRetries(3))
                .call();
        started.await();
        eventually().until(() -> recorder.of(t).contains("started")); // a remote start is told when the worker says so

        assertThat(t.cancel(true)).isTrue();

        assertThat(recorder.of(t)).containsExactly("submitted", "started", "run ended", "ended");
    }

    private static boolean awaitTermination(BackgroundPool pool) {
        try {
            return pool.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
