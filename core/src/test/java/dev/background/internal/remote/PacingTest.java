package dev.background.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PacingTest {
    private static final long MICRO = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void sendsNothingAheadBeforeAnyAnswer() {
        assertThat(new Pacing(-1).prefetch(5, 5)).isZero();
    }

    @Test
    void tinyTasksGetTheDeepestQueue() {
        Pacing p = new Pacing(-1);
        feed(p, 2 * MICRO, 150 * MICRO);
        assertThat(p.prefetch(5, 5)).isEqualTo(Pacing.MAX_AUTO);
    }

    @Test
    void tasksMuchLongerThanARoundTripGetNoneAhead() {
        Pacing p = new Pacing(-1);
        feed(p, SECOND, SECOND + 150 * MICRO);
        assertThat(p.prefetch(5, 5)).isZero();
    }

    @Test
    void queueCoversOneRoundTripOfTheMembersThreads() {
        Pacing p = new Pacing(-1);
        feed(p, 100 * MICRO, 300 * MICRO); // round trip overhead 200 µs: 2 tasks per thread
        assertThat(p.prefetch(4, 4)).isEqualTo(8);
    }

    @Test
    void oneLongTaskStopsSendingAheadAtOnce() {
        Pacing p = new Pacing(-1);
        feed(p, 2 * MICRO, 150 * MICRO);
        p.answered(SECOND, SECOND + 150 * MICRO, true);
        assertThat(p.prefetch(5, 5)).isZero();
    }

    @Test
    void queueWaitOfTasksSentToABusyMemberDoesNotInflateTheRoundTrip() {
        Pacing p = new Pacing(-1);
        for (int i = 0; i < 100; i++) {
            p.answered(100 * MICRO, 300 * MICRO, true);
            p.answered(100 * MICRO, 50_000 * MICRO, false); // waited in the member's queue
        }
        assertThat(p.prefetch(4, 4)).isEqualTo(8);
    }

    @Test
    void keepsNExactWhenTheWorkerHasMoreThreadsThanThePoolsN() {
        Pacing p = new Pacing(-1);
        feed(p, 2 * MICRO, 150 * MICRO);
        assertThat(p.prefetch(2, 8))
                .as("sent-ahead tasks would run at once on the worker's spare threads")
                .isZero();
        assertThat(p.prefetch(8, 2))
                .as("2 threads × 148 µs round trip / 2 µs a task")
                .isEqualTo(148);
    }

    @Test
    void aFixedPrefetchIsWhatTheUserAskedFor() {
        Pacing p = new Pacing(3);
        assertThat(p.prefetch(5, 5)).isEqualTo(3);
        p.answered(SECOND, SECOND, true);
        assertThat(p.prefetch(2, 8)).isEqualTo(3);
    }

    @Test
    void runsNoCallsInARowBeforeAnyAnswer() {
        assertThat(new Pacing(-1).inRow()).isEqualTo(1);
    }

    @Test
    void callsInARowTakeAtMostARoundTrip() {
        Pacing p = new Pacing(-1);
        feed(p, 10 * MICRO, 160 * MICRO); // round trip overhead 150 µs
        assertThat(p.inRow()).isEqualTo(15);
    }

    @Test
    void callsLongerThanARoundTripAreNeverRunInARow() {
        Pacing p = new Pacing(-1);
        feed(p, 300 * MICRO, 450 * MICRO);
        assertThat(p.inRow()).isEqualTo(1);
    }

    @Test
    void oneLongCallStopsRunningCallsInARowAtOnce() {
        Pacing p = new Pacing(-1);
        feed(p, 2 * MICRO, 150 * MICRO);
        assertThat(p.inRow()).isEqualTo(74);
        p.answered(SECOND, SECOND + 150 * MICRO, true);
        assertThat(p.inRow()).isEqualTo(1);
    }

    @Test
    void callsInARowAreCappedForTinyCalls() {
        Pacing p = new Pacing(-1);
        feed(p, 1, 10_000 * MICRO);
        assertThat(p.inRow()).isEqualTo(Pacing.MAX_AUTO);
    }

    @Test
    void aTaskThatNeverRanIsNoSample() {
        Pacing p = new Pacing(-1);
        feed(p, 10 * MICRO, 160 * MICRO);
        for (int i = 0; i < 100; i++) {
            p.answered(-1, 5 * MICRO, true);
        }
        assertThat(p.inRow()).isEqualTo(15);
    }

    @Test
    void aFixedPrefetchStillRunsShortCallsInARow() {
        Pacing p = new Pacing(3);
        feed(p, 10 * MICRO, 160 * MICRO);
        assertThat(p.inRow()).isEqualTo(15);
    }

    /** 100 answers of tasks that found a free thread on their member. */
    private static void feed(Pacing p, long serviceNanos, long totalNanos) {
        for (int i = 0; i < 100; i++) {
            p.answered(serviceNanos, totalNanos, true);
        }
    }
}
