package dev.background.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.internal.remote.FakeTransport.Worker;
import dev.background.internal.remote.RemoteDispatcher.Call;
import dev.background.internal.remote.RemoteDispatcher.Op;
import dev.background.internal.remote.RemoteDispatcher.Policy;
import dev.background.internal.remote.RemoteDispatcher.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with workers that the transport reports (cluster members), driven through a
 * fake transport and a manual clock: the test plays the members (joins, leaves, outcomes, lost
 * sends) and reads what was sent to each. No threads, no sleeps.
 */
class RemoteDispatcherMembersTest {
    private static final long MICROS = TimeUnit.MICROSECONDS.toNanos(1);

    private final FakeTransport transport = new FakeTransport();
    private final ManualScheduler clock = new ManualScheduler();
    private final RecordingEvents events = new RecordingEvents();
    private final Worker a = new Worker("a");
    private final Worker b = new Worker("b");

    private RemoteDispatcher<Worker, String> dispatcher(int n, int prefetch) {
        return dispatcher(n, Policy.members(prefetch, 0));
    }

    private RemoteDispatcher<Worker, String> dispatcher(int n, Policy policy) {
        var d = RemoteDispatcher.reported("test", n, policy, transport, clock, events);
        d.start();
        return d;
    }

    /** The calls sent to a member with RUN, in order. */
    private static List<Send<String>> runs(Worker w) {
        List<Send<String>> calls = new ArrayList<>();
        for (Send<String> s : w.received) {
            if (s.op() == Op.RUN) {
                calls.add(s);
            }
        }
        return calls;
    }

    private static List<FakeJob> jobsSentTo(Worker w) {
        return runs(w).stream().map(s -> (FakeJob) call(s).job()).toList();
    }

    private static Call<String> call(Send<String> s) {
        return Objects.requireNonNull(s.call());
    }

    /** Plays a member answering a call as the transport does: the dispatcher settles a first answer. */
    private static boolean answer(RemoteDispatcher<Worker, String> d, Worker w, Send<String> send, long serviceNanos) {
        Call<String> call = call(send);
        return d.onOutcome(w, send, serviceNanos, () -> call.job().succeed(call.payload()));
    }

    /** As {@link #answer}, for a call whose answer was held for others of its row. */
    private static boolean answer(
            RemoteDispatcher<Worker, String> d, Worker w, Send<String> send, long serviceNanos, long heldNanos) {
        Call<String> call = call(send);
        return d.onOutcome(w, send, serviceNanos, heldNanos, () -> call.job().succeed(call.payload()));
    }

    /** Plays the transport releasing a call that failed on its member: the dispatcher settles it if still the member's. */
    private static boolean fail(RemoteDispatcher<Worker, String> d, Worker w, Send<String> send) {
        Call<String> call = call(send);
        return d.release(w, send, () -> call.job().fail(new IllegalStateException("failed on " + w)));
    }

    /** The latest send of a job to a member. */
    private static Send<String> sendOf(Worker w, FakeJob job) {
        return runs(w).stream()
                .filter(s -> call(s).job() == job)
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError(job + " was never sent to " + w));
    }

    // ------------------------------------------------------------------ placement

    @Test
    void eachMemberRunsNCallsAtOnceAndTheLeastLoadedTakesTheNext() {
        var d = dispatcher(2, 0);
        d.onJoined(a, 8);
        d.onJoined(b, 8);
        List<FakeJob> jobs = FakeJob.submit(d, 5);
        assertThat(jobsSentTo(a)).hasSize(2);
        assertThat(jobsSentTo(b)).hasSize(2);
        assertThat(d.queued()).isEqualTo(1);
        answer(d, b, runs(b).get(0), MICROS);
        assertThat(jobsSentTo(b)).hasSize(3).last().isSameAs(jobs.get(4));
    }

    @Test
    void callsAreStartedWhenSentWithTheMembersName() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        assertThat(job.starts).hasValue(1);
        assertThat(job.where).isEqualTo("fake a");
        assertThat(a.ids(Op.RUN_AHEAD)).isEmpty(); // members never report when they begin a call
    }

    @Test
    void aCallWithATimeLimitWaitsForAFreeThreadRatherThanBeingSentAhead() {
        var d = dispatcher(1, 4);
        d.onJoined(a, 1);
        FakeJob first = FakeJob.submit(d, 1).get(0);
        FakeJob limited = new FakeJob("limited");
        limited.timeLimitNanos = TimeUnit.SECONDS.toNanos(1);
        d.execute(limited, "p");
        assertThat(jobsSentTo(a)).containsExactly(first);
        assertThat(limited.starts).hasValue(0); // its time has not begun to run
        answer(d, a, sendOf(a, first), MICROS);
        assertThat(jobsSentTo(a)).containsExactly(first, limited);
    }

    @Test
    void resizingChangesHowManyCallsEachMemberRuns() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 8);
        FakeJob.submit(d, 3);
        assertThat(runs(a)).hasSize(1);
        d.resize(3);
        assertThat(runs(a)).hasSize(3);
    }

    // ------------------------------------------------------------------ sending ahead

    @Test
    void aMemberIsToppedUpInBurstsOnceHalfOfWhatWasSentAheadHasRun() {
        var d = dispatcher(1, 4);
        d.onJoined(a, 1);
        FakeJob.submit(d, 20); // one at a time: up to 1 running + half of 4 ahead
        assertThat(runs(a)).hasSize(3);
        answer(d, a, runs(a).get(0), MICROS); // topped up to 1 + 4 in this dispatch
        assertThat(runs(a)).hasSize(6);
        answer(d, a, runs(a).get(1), MICROS);
        answer(d, a, runs(a).get(2), MICROS);
        assertThat(runs(a)).as("not topped up one by one").hasSize(6);
        answer(d, a, runs(a).get(3), MICROS); // down to half of what was sent ahead: 4 ahead again
        assertThat(runs(a)).hasSize(9);
    }

    @Test
    void theAutomaticRuleSendsAheadOnceAnswersShowShortCallsAndALongRoundTrip() {
        var d = dispatcher(1, -1);
        d.onJoined(a, 1);
        FakeJob.submit(d, 300);
        assertThat(runs(a)).as("nothing ahead before any answer").hasSize(1);
        clock.advanceMillis(1); // a round trip of 1 ms for a call of 1 µs
        answer(d, a, runs(a).get(0), MICROS);
        assertThat(runs(a)).hasSize(2 + Pacing.MAX_AUTO); // the first, then 1 running + the deepest queue
    }

    @Test
    void aSendSaysWhetherItsMemberHadAFreeThreadForIt() {
        var d = dispatcher(2, 3);
        d.onJoined(a, 2);
        FakeJob.submit(d, 5);

        assertThat(runs(a))
                .as("two to its threads, one ahead (topped up once half of the three ahead is used)")
                .extracting(Send::toFreeThread)
                .containsExactly(true, true, false);
    }

    @Test
    void callsRunInARowDoNotLengthenTheRowsTheyAllow() {
        var d = dispatcher(1, -1);
        d.onJoined(a, 1);
        long service = 10 * MICROS;
        long roundTrip = 150 * MICROS;
        int answered = 0;
        for (int burst = 0; burst < 50; burst++) {
            // A burst to an idle member, which runs what it holds in rows and answers each row at
            // once: the first call of a burst, sent to a free thread, samples the round trip.
            FakeJob.submit(d, 40);
            while (answered < runs(a).size()) {
                List<Send<String>> row = runs(a).subList(answered, runs(a).size());
                List<Send<String>> batch = List.copyOf(row.subList(0, Math.min(row.size(), d.callsInRow())));
                int k = batch.size();
                clock.advanceNanos(roundTrip + k * service);
                for (Send<String> s : batch) {
                    answer(d, a, s, service, (k - 1) * service);
                }
                answered += k;
            }
        }
        assertThat(d.callsInRow()).as("the round trip over the service time").isEqualTo(15);
    }

    @Test
    void theAutomaticRuleSendsNothingAheadToAMemberWithMoreThreadsThanN() {
        var d = dispatcher(1, -1);
        d.onJoined(a, 4);
        FakeJob.submit(d, 10);
        clock.advanceMillis(1);
        answer(d, a, runs(a).get(0), MICROS);
        assertThat(runs(a)).hasSize(2); // one at a time: n stays exact on a member with spare threads
    }

    // ------------------------------------------------------------------ losing members

    @Test
    void aLostMembersCallsGoBackToTheFrontInOrderWithNoAttemptCharged() {
        var d = dispatcher(1, 2);
        d.onJoined(a, 1);
        List<FakeJob> jobs = FakeJob.submit(d, 4); // three to a (1 + 2 ahead), one queued
        d.onLeft(a);
        assertThat(jobs).allSatisfy(j -> assertThat(j).isNotDone());
        d.onJoined(b, 1);
        assertThat(jobsSentTo(b)).containsExactly(jobs.get(0), jobs.get(1), jobs.get(2));
        assertThat(jobs).allSatisfy(j -> assertThat(j.starts).as("started once").hasValueLessThanOrEqualTo(1));
        assertThat(events.lines).containsExactly("joined fake a", "left fake a", "joined fake b");
    }

    @Test
    void aMemberThatLeftAfterTheListWasReadIsNotAddedBackFromIt() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        long listedAt = d.membershipVersion(); // the list, read now, still has a
        d.onLeft(a); // its leave arrives before the list is gone through
        assertThat(d.onListed(a, 1, listedAt)).isFalse();
        FakeJob job = FakeJob.submit(d, 1).get(0);
        assertThat(runs(a)).as("never sent to the member that left").isEmpty();
        assertThat(d.workers()).isEmpty();
        assertThat(d.onListed(a, 1, d.membershipVersion()))
                .as("a list read after the leave brings it back")
                .isTrue();
        assertThat(jobsSentTo(a)).containsExactly(job);
    }

    @Test
    void aLeaveReportedBeforeTheMemberWasKnownKeepsAnOlderListFromAddingIt() {
        var d = dispatcher(1, 0);
        long listedAt = d.membershipVersion(); // the list has a; its join is not taken yet
        d.onLeft(a);
        assertThat(d.onListed(a, 1, listedAt)).isFalse();
        assertThat(d.workers()).isEmpty();
    }

    @Test
    void aListReadBeforeAllMembersWereLostBringsNoneBack() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        long listedAt = d.membershipVersion(); // the list has a and b; b's join is not taken yet
        d.onAllLeft(); // the connection to every member is lost
        assertThat(d.onListed(a, 1, listedAt)).isFalse();
        assertThat(d.onListed(b, 1, listedAt)).isFalse();
        assertThat(d.workers()).isEmpty();
        assertThat(events.lines).containsExactly("joined fake a", "left fake a");
        assertThat(d.onListed(b, 1, d.membershipVersion()))
                .as("a list read after it does")
                .isTrue();
    }

    @Test
    void aMemberThatJoinedAfterTheListWasReadIsNotRemovedForMissingFromIt() {
        var d = dispatcher(1, 0);
        long listedAt = d.membershipVersion(); // the list, read now, does not have a yet
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onUnlisted(a, listedAt);
        assertThat(d.workers()).containsExactly(a);
        assertThat(d.queued()).as("its call stays on it").isZero();
        assertThat(events.lines).containsExactly("joined fake a");
        d.onUnlisted(a, d.membershipVersion()); // a list read after the join, without a: it left
        assertThat(d.workers()).isEmpty();
        assertThat(d.queued()).isEqualTo(1);
        assertThat(job).isNotDone();
    }

    @Test
    void aCancelledCallOnAMemberThatLeavesStillHasItsEndReported() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        job.cancel(true); // settled; the member has not answered yet
        d.onLeft(a);
        assertThat(job.settlements)
                .as("the end is reported, which frees the task's permit")
                .hasValue(1);
        assertThat(d.queued()).isZero();
    }

    @Test
    void anOutcomeFromAMemberThatLeftSettlesTheCallAndItIsNeverSentAgain() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Send<String> call = sendOf(a, job);
        d.onLeft(a); // requeued: no member to take it
        assertThat(d.queued()).isEqualTo(1);
        answer(d, a, call, MICROS); // its answer was already on the wire
        assertThat(d.queued()).isZero();
        d.onJoined(b, 1);
        assertThat(runs(b)).isEmpty();
        assertThat(job.settlements).hasValue(1);
    }

    @Test
    void aCallAnsweredTwiceAfterBeingSentAgainIsSettledOnceWithTheFirstAnswer() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        d.onJoined(b, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Send<String> first = sendOf(a, job);
        d.onLeft(a); // sent again, to b
        assertThat(jobsSentTo(b)).containsExactly(job);
        assertThat(answer(d, a, first, MICROS)).isTrue();
        assertThat(answer(d, b, sendOf(b, job), MICROS)).isFalse();
        assertThat(job.join()).isEqualTo("payload0");
        assertThat(job.settlements)
                .as("settled once: a periodic or retried task settled twice would run twice")
                .hasValue(1);
        assertThat(job.starts).hasValue(1);
        d.shutdown();
        assertThat(d.isTerminated()).isTrue(); // b's answer took it off b
    }

    @Test
    void aLateLossOfAnEarlierSendLeavesTheCallSentAgainToTheRejoinedMember() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Send<String> first = sendOf(a, job);
        d.onLeft(a);
        d.onJoined(a, 1); // the client reconnected: sent again
        assertThat(runs(a)).hasSize(2);
        d.onLost(a, first); // the first send's disconnection, completed late
        d.onDeclined(a, first);
        assertThat(fail(d, a, first)).isFalse();
        assertThat(d.queued()).isZero();
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS);
        assertThat(runs(a)).as("not sent a third time").hasSize(2);
        FakeJob next = FakeJob.submit(d, 1).get(0);
        assertThat(d.queued()).as("a's thread still runs the second send").isEqualTo(1);
        assertThat(answer(d, a, sendOf(a, job), MICROS)).isTrue();
        assertThat(jobsSentTo(a)).last().isSameAs(next);
    }

    @Test
    void aLateOutcomeOfAnEarlierSendSettlesTheJobOnceAndInterruptsTheSecondSendWhichHoldsItsThreadTillItEnds() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Send<String> first = sendOf(a, job);
        d.onLeft(a);
        d.onJoined(a, 1);
        Send<String> second = sendOf(a, job);
        assertThat(answer(d, a, first, MICROS)).isTrue();
        assertThat(job.join()).isEqualTo("payload0");
        assertThat(a.received)
                .as("the copy sent again is interrupted")
                .filteredOn(s -> s.op() == Op.INTERRUPT)
                .singleElement()
                .satisfies(s -> assertThat(s.call()).isSameAs(second.call()));
        FakeJob next = FakeJob.submit(d, 1).get(0);
        assertThat(d.queued()).as("a's thread still runs the second send").isEqualTo(1);
        assertThat(fail(d, a, second))
                .as("the copy's end (interrupted) settles nothing")
                .isFalse();
        assertThat(jobsSentTo(a)).last().isSameAs(next);
        assertThat(job.settlements).hasValue(1);
    }

    @Test
    void aStartRefusedAsItsTaskIsCancelledHandsTheNextTaskOnOutsideTheLock() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        transport.lockToWatch = d;
        FakeJob cancelled = new FakeJob("cancelled");
        FakeJob next = new FakeJob("next");
        cancelled.onStart = () -> { // the cancel lands as it starts; its permit goes to the next task
            cancelled.onStart = null;
            cancelled.cancel(true);
            d.execute(next, "next");
        };
        d.execute(cancelled, "cancelled");
        assertThat(jobsSentTo(a)).containsExactly(next);
        assertThat(transport.sentUnderLock).isNotEmpty().doesNotContain(true);
        assertThat(next.starts).hasValue(1);
        assertThat(d.queued()).isZero();
        answer(d, a, sendOf(a, next), MICROS);
        d.shutdown();
        assertThat(d.isTerminated()).as("the refused call is off its member").isTrue();
    }

    @Test
    void aSendLostForTheMembersLossMakesItSuspectForASecond() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onLost(a, sendOf(a, job));
        assertThat(d.queued()).isEqualTo(1);
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS - 1);
        assertThat(runs(a)).hasSize(1);
        clock.advanceMillis(1);
        assertThat(runs(a)).hasSize(2);
        assertThat(job.starts).hasValue(1);
    }

    @Test
    void aSendLostOnOneMemberGoesToAnother() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onJoined(b, 1);
        d.onLost(a, sendOf(a, job));
        assertThat(jobsSentTo(b)).containsExactly(job);
    }

    @Test
    void aFaultyMemberIsNeverUsedAgainEvenWhenReportedAgain() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onFaulty(a);
        assertThat(d.onJoined(a, 1)).isFalse();
        FakeJob.submit(d, 1);
        assertThat(runs(a)).hasSize(1);
        d.onJoined(b, 1);
        assertThat(jobsSentTo(b)).first().isSameAs(job);
    }

    @Test
    void aMemberThatDeclinesACallTakesNoMoreAndTheCallRunsElsewhere() {
        var d = dispatcher(2, 0);
        d.onJoined(a, 2);
        d.onJoined(b, 2);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker first = runs(a).isEmpty() ? b : a;
        Worker other = first == a ? b : a;
        d.onDeclined(first, sendOf(first, job));
        assertThat(jobsSentTo(other)).containsExactly(job);
        FakeJob.submit(d, 1);
        assertThat(runs(first)).hasSize(1);
        assertThat(runs(other)).hasSize(2);
    }

    @Test
    void releaseGivesTheCallToTheCallerOnlyIfNothingTookItFirst() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        List<FakeJob> jobs = FakeJob.submit(d, 2);
        assertThat(fail(d, a, sendOf(a, jobs.get(0)))).isTrue();
        assertThat(jobsSentTo(a)).containsExactly(jobs.get(0), jobs.get(1)); // its thread is free again
        Send<String> second = sendOf(a, jobs.get(1));
        d.onLeft(a);
        assertThat(fail(d, a, second)).isFalse();
        assertThat(fail(d, a, second)).isFalse();
    }

    // ------------------------------------------------------------------ the member wait

    @Test
    void queuedCallsFailWithTheKindsExceptionOnceNoMemberWasUsableForTheMemberWait() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(1)));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        clock.advanceMillis(1_000);
        assertThat(job).isNotDone();
        clock.advanceMillis(RemoteDispatcher.MEMBER_CHECK_MILLIS);
        assertThatThrownBy(job::join).hasMessageContaining("no member reachable for job0");
        FakeJob late = FakeJob.submit(d, 1).get(0);
        assertThatThrownBy(late::join).hasMessageContaining("no member reachable for job0"); // at once
        assertThat(d.queued()).isZero();
    }

    @Test
    void aMemberJoiningInTimeKeepsTheQueuedCalls() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(1)));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        clock.advanceMillis(800);
        d.onJoined(a, 1);
        clock.advanceMillis(5_000);
        assertThat(job).isNotDone();
        assertThat(jobsSentTo(a)).containsExactly(job);
    }

    @Test
    void aMemberThatStaysListedButLosesEverySendDoesNotKeepCallsBouncingForever() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(2)));
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        for (int i = 0; i < 10 && !job.isDone(); i++) {
            Send<String> last = runs(a).get(runs(a).size() - 1);
            d.onLost(a, last);
            clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS);
        }
        assertThatThrownBy(job::join).hasMessageContaining("no member reachable");
        assertThat(runs(a).size()).isBetween(2, 4);
    }

    @Test
    void theMemberWaitRestartsWhenASuspectMemberIsUsableAgainThoughItAnswersNothing() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(2)));
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onLost(a, sendOf(a, job)); // suspect: no member usable, the wait starts
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS); // usable again: sent again, and it runs long
        assertThat(runs(a)).hasSize(2);
        clock.advanceMillis(5_000);
        d.onLost(a, sendOf(a, job)); // its connection drops while it runs the call
        clock.advanceMillis(2_000 - RemoteDispatcher.MEMBER_CHECK_MILLIS);
        assertThat(job)
                .as("the wait restarted while a was usable: it runs from this loss, not from the first")
                .isNotDone();
    }

    @Test
    void aMemberLostAgainDuringItsSuspicionIsUsedAgainWhenTheLaterSuspicionIsOver() {
        var d = dispatcher(2, 0); // no member wait: no periodic check dispatches
        d.onJoined(a, 2);
        List<FakeJob> jobs = FakeJob.submit(d, 2);
        d.onLost(a, sendOf(a, jobs.get(0)));
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS / 2);
        d.onLost(a, sendOf(a, jobs.get(1))); // the same outage, seen later: suspect till a second from now
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS / 2);
        assertThat(runs(a)).as("still suspect").hasSize(2);
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS / 2);
        assertThat(jobsSentTo(a).subList(2, runs(a).size()))
                .as("sent again once the later suspicion is over, with nothing else happening")
                .containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void aMemberSuspectAgainWithoutAnsweringIsSkippedTwiceAsLongUntilItAnswers() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(60)));
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onLost(a, sendOf(a, job));
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS);
        d.onLost(a, sendOf(a, job)); // lost again, with no answer between: two seconds
        clock.advanceMillis(2 * RemoteDispatcher.SUSPECT_MILLIS - 1);
        assertThat(runs(a)).hasSize(2);
        clock.advanceMillis(1);
        assertThat(runs(a)).hasSize(3);
        answer(d, a, sendOf(a, job), MICROS); // a sign of life: back to one second
        FakeJob next = FakeJob.submit(d, 1).get(0);
        d.onLost(a, sendOf(a, next));
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS);
        assertThat(jobsSentTo(a)).last().isSameAs(next);
        assertThat(runs(a)).hasSize(5);
    }

    // ------------------------------------------------------------------ cancel, shutdown

    @Test
    void aCancelledCallIsInterruptedOnItsMemberAndTheMemberIsNeverKilled() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        job.cancel(true);
        job.interrupter.run();
        clock.runDue();
        assertThat(a.received)
                .filteredOn(s -> s.op() == Op.INTERRUPT)
                .singleElement()
                .satisfies(s -> assertThat(s.call()).isSameAs(sendOf(a, job).call()));
        clock.advanceMillis(60_000);
        assertThat(a.killedFor).isNull();
    }

    @Test
    void shutdownTerminatesOnceTheLastCallInFlightIsAnsweredAndTellsTheTransportOnce() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.shutdown();
        assertThat(d.isTerminated()).isFalse();
        List<Boolean> settledAtTermination = new ArrayList<>();
        transport.onTerminated = () -> settledAtTermination.add(job.isDone());
        answer(d, a, sendOf(a, job), MICROS);
        assertThat(settledAtTermination)
                .as("the job settled before termination is told")
                .containsExactly(true);
        assertThat(d.isTerminated()).isTrue();
        d.onLeft(a);
        assertThat(transport.terminations).hasValue(1);
    }

    @Test
    void theLastCallReleasedWithAFailureIsSettledBeforeTerminationIsTold() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.shutdown();
        List<Boolean> settledAtTermination = new ArrayList<>();
        transport.onTerminated = () -> settledAtTermination.add(job.isDone());
        assertThat(fail(d, a, sendOf(a, job))).isTrue();
        assertThat(settledAtTermination).containsExactly(true);
    }

    @Test
    void theMemberWaitsLastFailuresAreSettledBeforeTerminationIsTold() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(1)));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.shutdown();
        List<Boolean> settledAtTermination = new ArrayList<>();
        transport.onTerminated = () -> settledAtTermination.add(job.isDone());
        clock.settleLater = true; // as the real scheduler: on another thread
        clock.advanceMillis(1_000 + RemoteDispatcher.MEMBER_CHECK_MILLIS);
        clock.runDue();
        assertThat(job).isCompletedExceptionally();
        assertThat(settledAtTermination).containsExactly(true);
    }

    @Test
    void afterShutdownACancelledCallWhoseSendWasLostIsDroppedAndThePoolTerminates() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.shutdown();
        job.cancel(true);
        d.onLost(a, sendOf(a, job)); // requeued, then dropped at dispatch: nothing left anywhere
        clock.advanceMillis(2_000);
        assertThat(d.isTerminated()).isTrue();
        assertThat(transport.terminations).hasValue(1);
    }

    @Test
    void afterShutdownACancelledCallRequeuedByALeaveIsInterruptedInTheQueueAndThePoolTerminates() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onLeft(a); // back on the queue, with no member to run it
        d.shutdown();
        job.cancel(true);
        Objects.requireNonNull(job.interrupter).run();
        clock.runDue();
        assertThat(job.settlements).hasValue(1);
        assertThat(d.queued()).isZero();
        assertThat(d.isTerminated()).isTrue();
    }

    @Test
    void afterShutdownALeavingMembersCallRunsOnAnIdleMember() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(5)));
        d.onJoined(a, 1);
        d.onJoined(b, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker holder = jobsSentTo(a).contains(job) ? a : b;
        Worker idle = holder == a ? b : a;
        d.shutdown();
        d.onLeft(holder);
        assertThat(jobsSentTo(idle)).containsExactly(job);
        clock.advanceMillis(10_000);
        assertThat(job).isNotDone();
    }

    @Test
    void afterShutdownACallWhoseSendWasLostRunsAgainOnTheSameMember() {
        var d = dispatcher(1, Policy.members(0, TimeUnit.SECONDS.toNanos(5)));
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.shutdown();
        d.onLost(a, sendOf(a, job));
        clock.advanceMillis(RemoteDispatcher.SUSPECT_MILLIS);
        assertThat(runs(a)).hasSize(2);
        assertThat(job).isNotDone();
    }

    @Test
    void shutdownNowInterruptsWhatRunsAndFailsWhatWasStartedAndRequeued() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        d.onJoined(b, 1);
        List<FakeJob> jobs = FakeJob.submit(d, 3); // one each, one queued
        Worker holder = jobsSentTo(a).contains(jobs.get(0)) ? a : b;
        d.onLeft(holder); // job0 back at the front: started, so not listed as never begun
        List<dev.background.spi.Job> never = d.shutdownNow();
        assertThat(never).containsExactly(jobs.get(2));
        assertThatThrownBy(jobs.get(0)::join).hasCauseInstanceOf(CancellationException.class);
        clock.runDue();
        Worker other = holder == a ? b : a;
        assertThat(other.ids(Op.INTERRUPT)).hasSize(1);
        assertThat(fail(d, other, sendOf(other, jobs.get(1)))).isTrue();
        assertThat(d.isTerminated()).isTrue();
    }

    @Test
    void shutdownNowKeepsTheOutcomeOfACallAnsweredWhileItEndsTheOthers() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        d.onJoined(b, 1);
        List<FakeJob> jobs = FakeJob.submit(d, 2); // one each
        Worker holder = jobsSentTo(a).contains(jobs.get(0)) ? a : b;
        Worker other = holder == a ? b : a;
        FakeJob answered = jobs.get(1);
        d.onLeft(holder); // job0 back on the queue, started: shutdownNow ends it
        jobs.get(0)
                .whenComplete((v, e) -> answer(d, other, sendOf(other, answered), MICROS)); // meanwhile, job1's answer
        d.shutdownNow();
        clock.runDue();
        assertThat(answered.join()).isEqualTo("payload1");
        assertThat(answered.settlements).as("not also cancelled").hasValue(1);
        assertThat(other.ids(Op.INTERRUPT)).isEmpty();
        assertThat(d.isTerminated()).isTrue();
    }

    @Test
    void shutdownIfIdleOnlyShutsAnIdleDispatcherDown() {
        var d = dispatcher(1, 0);
        d.onJoined(a, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        assertThat(d.shutdownIfIdle()).isFalse();
        answer(d, a, sendOf(a, job), MICROS);
        assertThat(d.shutdownIfIdle()).isTrue();
        assertThat(d.isTerminated()).isTrue();
        assertThat(transport.terminations).hasValue(1);
    }
}
