package dev.background.internal;

import static dev.background.internal.RetryRules.GIVE_UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.TaskTransferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The retry decision alone: times are passed in and the random source is fixed, so all is exact. */
class RetryRulesTest {
    private static final long MS = 1_000_000;
    private final IOException IO = new IOException("io");

    private static RetryRules rules(int attempts, long delay, long max, double multiplier) {
        return rules(
                attempts, delay, max, multiplier, 0, () -> 0.5, List.of(Exception.class), List.of(), null, 0, null);
    }

    private static RetryRules rules(
            int attempts,
            long delay,
            long max,
            double multiplier,
            double jitter,
            DoubleSupplier random,
            List<Class<? extends Throwable>> retryOn,
            List<Class<? extends Throwable>> abortOn,
            @Nullable Predicate<? super Throwable> retryIf,
            long maxDuration,
            RetryRules.@Nullable Budget budget) {
        return new RetryRules(
                attempts, delay, max, multiplier, jitter, retryOn, abortOn, retryIf, maxDuration, budget, random);
    }

    @Test
    void exponentialBackoffDoublesUpToItsCap() {
        RetryRules r = rules(10, 100 * MS, 1_000 * MS, 2);

        assertThat(List.of(1, 2, 3, 4, 5, 6).stream()
                        .map(a -> r.delayAfter(a, IO, 0, 0) / MS)
                        .toList())
                .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    }

    @Test
    void aFixedDelayIsTheSameEveryTime() {
        RetryRules r = rules(4, 30 * MS, 30 * MS, 1);

        assertThat(r.delayAfter(1, IO, 0, 0)).isEqualTo(30 * MS);
        assertThat(r.delayAfter(3, IO, 0, 0)).isEqualTo(30 * MS);
    }

    @Test
    void theLastAttemptIsNotRetried() {
        RetryRules r = rules(3, 0, 0, 1);

        assertThat(r.delayAfter(2, IO, 0, 0)).isZero();
        assertThat(r.delayAfter(3, IO, 0, 0)).isEqualTo(GIVE_UP);
        assertThat(rules(1, 0, 0, 1).retries()).isFalse();
    }

    @Test
    void jitterMovesTheDelayBothWaysWithinItsFractionAndUnderTheCap() {
        double[] next = {0.0};
        RetryRules r =
                rules(5, 100 * MS, 150 * MS, 2, 0.2, () -> next[0], List.of(Exception.class), List.of(), null, 0, null);

        next[0] = 0.0; // the lowest: -20 %
        assertThat(r.delayAfter(1, IO, 0, 0)).isEqualTo(80 * MS);
        next[0] = 0.75; // +10 %
        assertThat(r.delayAfter(1, IO, 0, 0)).isEqualTo(110 * MS);
        next[0] = 0.999_999; // nearly +20 % of 200 ms, capped
        assertThat(r.delayAfter(2, IO, 0, 0)).isEqualTo(150 * MS);
    }

    @Test
    void onlyTheListedTypesAreRetriedAndAbortOnWins() {
        RetryRules r = rules(
                3,
                0,
                0,
                1,
                0,
                () -> 0,
                List.of(IOException.class, UncheckedIOException.class),
                List.of(java.io.FileNotFoundException.class),
                null,
                0,
                null);

        assertThat(r.delayAfter(1, IO, 0, 0)).isZero();
        assertThat(r.delayAfter(1, new UncheckedIOException(IO), 0, 0)).isZero();
        assertThat(r.delayAfter(1, new IllegalStateException(), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new java.io.FileNotFoundException(), 0, 0)).isEqualTo(GIVE_UP);
    }

    @Test
    void byDefaultExceptionsAreRetriedButNotErrorsNorFailuresThatSayTheCallCouldNotRun() {
        RetryRules r = rules(3, 0, 0, 1);

        assertThat(r.delayAfter(1, new IllegalStateException(), 0, 0)).isZero();
        assertThat(r.delayAfter(1, new AssertionError(), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new CancellationException(), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new RejectedExecutionException(), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new TaskTransferException("x", IO), 0, 0)).isEqualTo(GIVE_UP);
    }

    @Test
    void thePredicateDecidesAfterTheTypesAndWhatItThrowsComesOut() {
        RetryRules r = rules(
                3,
                0,
                0,
                1,
                0,
                () -> 0,
                List.of(Exception.class),
                List.of(),
                e -> e.getMessage().equals("io"),
                0,
                null);
        RetryRules throwing = rules(
                3,
                0,
                0,
                1,
                0,
                () -> 0,
                List.of(Exception.class),
                List.of(),
                e -> {
                    throw new IllegalStateException("predicate broke");
                },
                0,
                null);

        assertThat(r.delayAfter(1, IO, 0, 0)).isZero();
        assertThat(r.delayAfter(1, new IOException("other"), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new AssertionError("io"), 0, 0))
                .as("types first")
                .isEqualTo(GIVE_UP);
        assertThatThrownBy(() -> throwing.delayAfter(1, IO, 0, 0)).hasMessage("predicate broke");
    }

    @Test
    void noAttemptStartsPastTheOverallDeadline() {
        RetryRules r = rules(
                10, 100 * MS, 100 * MS, 1, 0, () -> 0, List.of(Exception.class), List.of(), null, 1_000 * MS, null);
        long start = 5_000 * MS;

        assertThat(r.delayAfter(3, IO, start, start + 900 * MS)).isEqualTo(100 * MS); // starts at 1000 ms: in time
        assertThat(r.delayAfter(4, IO, start, start + 901 * MS)).isEqualTo(GIVE_UP);
    }

    @Test
    void theBudgetAllowsSoManyRetriesPerWindowAcrossTasksAndRefillsEvenly() {
        var budget = new RetryRules.Budget(2, 1_000 * MS);
        RetryRules r = rules(10, 0, 0, 1, 0, () -> 0, List.of(Exception.class), List.of(), null, 0, budget);
        long t0 = 42 * MS;

        assertThat(r.delayAfter(1, IO, 0, t0)).isZero();
        assertThat(r.delayAfter(1, IO, 0, t0 + 1)).as("another task's retry").isZero();
        assertThat(r.delayAfter(2, IO, 0, t0 + 2)).as("spent").isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, IO, 0, t0 + 499 * MS)).as("not yet refilled").isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, IO, 0, t0 + 500 * MS))
                .as("one back after half the window")
                .isZero();
        assertThat(r.delayAfter(1, IO, 0, t0 + 600 * MS)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, IO, 0, t0 + 10_000 * MS))
                .as("refills to its capacity only")
                .isZero();
        assertThat(r.delayAfter(1, IO, 0, t0 + 10_000 * MS)).isZero();
        assertThat(r.delayAfter(1, IO, 0, t0 + 10_000 * MS)).isEqualTo(GIVE_UP);
    }

    @Test
    void aGiveUpForOtherReasonsSpendsNoBudget() {
        var budget = new RetryRules.Budget(1, 1_000 * MS);
        RetryRules r = rules(2, 0, 0, 1, 0, () -> 0, List.of(IOException.class), List.of(), null, 0, budget);

        assertThat(r.delayAfter(2, IO, 0, 0)).as("last attempt").isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, new IllegalStateException(), 0, 0)).isEqualTo(GIVE_UP);
        assertThat(r.delayAfter(1, IO, 0, 0)).as("the token is still there").isZero();
    }
}
