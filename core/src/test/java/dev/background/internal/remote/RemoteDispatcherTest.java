package dev.background.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.internal.remote.FakeTransport.Worker;
import dev.background.internal.remote.RemoteDispatcher.Op;
import dev.background.internal.remote.RemoteDispatcher.Policy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher driven through a fake transport and a manual clock: the test plays the workers
 * (ready, started, answers, exits) and reads what was sent to each. No threads, no sleeps.
 */
class RemoteDispatcherTest {
    private static final int KILLED = 128 + 9;
    private static final int BAD_OPTION = 1;

    private final FakeTransport transport = new FakeTransport();
    private final ManualScheduler clock = new ManualScheduler();
    private final RecordingEvents events = new RecordingEvents();

    private static Policy policy(int retries, int prefetch) {
        return new Policy(false, 0, 0, retries, TimeUnit.SECONDS.toNanos(1), prefetch, 3);
    }

    private RemoteDispatcher<Worker, String> dispatcher(int n, Policy policy) {
        var d = RemoteDispatcher.started("test", n, policy, transport, clock, events);
        d.start();
        return d;
    }

    /** Plays a worker running what it holds in order: STARTED for calls sent ahead, then the answer. */
    private void answerAll(RemoteDispatcher<Worker, String> d, Worker w) {
        for (int guard = 0; guard < 1000; guard++) {
            List<RemoteDispatcher.Send<String>> pending = new ArrayList<>();
            for (var s : w.received) {
                if ((s.op() == Op.RUN || s.op() == Op.RUN_AHEAD) && !answered.contains(w.id + s.id())) {
                    pending.add(s);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            var s = pending.get(0);
            answered.add(w.id + s.id());
            if (s.op() == Op.RUN_AHEAD) {
                d.onStarted(w, s.id());
            }
            var call = d.onAnswer(w, s.id());
            if (call != null) {
                call.job().succeed(call.payload());
            }
        }
        throw new AssertionError("worker " + w + " never ran out of calls");
    }

    /** The job, checked to be settled, so that a test never blocks on it. */
    private static FakeJob done(FakeJob job) {
        assertThat(job).isDone();
        return job;
    }

    private final java.util.Set<String> answered = new java.util.HashSet<>();

    // ------------------------------------------------------------------ start-up deaths (issue 12, item 2)

    @Test
    void eachKindOfDispatcherRefusesAPolicyForTheOtherKind() {
        assertThatThrownBy(() -> RemoteDispatcher.started("test", 1, Policy.members(0, 0), transport, clock, events))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one for started workers");
        assertThatThrownBy(() -> RemoteDispatcher.reported("test", 1, policy(0, 0), transport, clock, events))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one for reported workers");
    }

    @Test
    void aWorkerThatDiesBeforeItIsReadyChargesNoAttemptAndItsCallsRunOnTheNextWorker() {
        var d = dispatcher(1, policy(0, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 3);
        Worker first = transport.worker(0);
        assertThat(first.ids(Op.RUN_AHEAD)).hasSize(3); // a booting worker only gets calls sent ahead

        d.onExit(first, BAD_OPTION);

        assertThat(jobs).allSatisfy(j -> assertThat(j).isNotDone());
        assertThat(transport.started).hasSize(1); // backing off
        clock.advanceMillis(RemoteDispatcher.FIRST_BACKOFF_MILLIS);
        Worker second = transport.worker(1);
        d.onReady(second);
        answerAll(d, second);
        assertThat(jobs).allSatisfy(j -> assertThat(done(j).join()).isNotNull());
    }

    @Test
    void aCallRetriedAfterADeathIsNotChargedAgainWhenItsNextWorkerDiesStartingUp() {
        var d = dispatcher(1, policy(1, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker first = transport.worker(0);
        d.onReady(first);
        d.onStarted(first, first.idOf(job));
        d.onExit(first, KILLED); // died running it: attempt 1 of 2
        Worker second = transport.worker(1);
        d.onExit(second, KILLED); // never ready: no charge
        clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        Worker third = transport.worker(2);
        d.onReady(third);
        answerAll(d, third);
        assertThat(job).isCompleted();
        assertThat(job.starts).hasValue(1);
    }

    @Test
    void startFailuresBackOffBeforeTheNextStart() {
        var d = dispatcher(1, policy(0, 4));
        FakeJob.submit(d, 1);
        d.onExit(transport.worker(0), BAD_OPTION);
        clock.advanceMillis(RemoteDispatcher.FIRST_BACKOFF_MILLIS - 1);
        assertThat(transport.started).hasSize(1);
        clock.advanceMillis(1);
        assertThat(transport.started).hasSize(2);
        d.onExit(transport.worker(1), BAD_OPTION);
        clock.advanceMillis(2 * RemoteDispatcher.FIRST_BACKOFF_MILLIS - 1); // doubled
        assertThat(transport.started).hasSize(2);
        clock.advanceMillis(1);
        assertThat(transport.started).hasSize(3);
    }

    @Test
    void repeatedStartFailuresFailTheWaitingCallsWithTheWorkersMessage() {
        var d = dispatcher(1, policy(3, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 2);
        for (int i = 0; i < 3; i++) {
            assertThat(jobs).allSatisfy(j -> assertThat(j).isNotDone());
            d.onExit(transport.worker(i), BAD_OPTION);
            clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        }
        assertThat(jobs)
                .allSatisfy(j -> assertThatThrownBy(done(j)::join)
                        .hasMessageContaining("worker-3 died with exit code 1")
                        .hasMessageContaining("tried 3"));
        assertThat(transport.started).hasSize(3); // nothing waits, so nothing more is started
    }

    @Test
    void workersKilledBySignalsWhileStartingNeverFailCalls() {
        var d = dispatcher(1, policy(0, 4));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        for (int i = 0; i < 10; i++) {
            d.onExit(transport.worker(i), KILLED);
            clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        }
        assertThat(job).isNotDone();
        Worker last = transport.worker(10);
        d.onReady(last);
        answerAll(d, last);
        assertThat(job).isCompleted();
    }

    @Test
    void aReadyWorkerResetsTheStartFailureCount() {
        var d = dispatcher(1, policy(3, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onExit(transport.worker(0), BAD_OPTION);
        clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        d.onExit(transport.worker(1), BAD_OPTION);
        clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        Worker up = transport.worker(2);
        d.onReady(up); // one start went well: the count starts again
        d.onStarted(up, up.idOf(job));
        d.onExit(up, KILLED); // died running it: retried
        d.onExit(transport.worker(3), BAD_OPTION); // the first start failure since the ready one
        assertThat(job).isNotDone();
    }

    @Test
    void repeatedStartFailuresFailNothingWhileAReadyWorkerCanRunTheCalls() {
        var d = dispatcher(2, policy(0, 0));
        List<FakeJob> jobs = FakeJob.submit(d, 4); // job0 to worker 0, job1 to worker 1, the others wait
        Worker good = transport.worker(0);
        d.onReady(good);
        for (int i = 0; i < 3; i++) {
            d.onExit(transport.worker(transport.started.size() - 1), BAD_OPTION);
            clock.advanceMillis(RemoteDispatcher.MAX_BACKOFF_MILLIS);
        }
        Worker last = transport.worker(transport.started.size() - 1);
        d.onReady(last);
        answerAll(d, good);
        answerAll(d, last);
        assertThat(jobs).allSatisfy(j -> assertThat(j).isCompleted());
    }

    @Test
    void aWorkerThatCannotBeStartedAtAllFailsTheCallsAtOnce() {
        transport.startFailure = new IOException("no such file: java");
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        assertThatThrownBy(done(job)::join).hasMessageContaining("no worker for job0: no such file: java");
    }

    // ------------------------------------------------------------------ deaths of ready workers

    @Test
    void aDeathMidCallFailsOnlyThatCallAndTheCallsSentAheadRunElsewhere() {
        var d = dispatcher(1, policy(0, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 3);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(jobs.get(0)));
        d.onExit(w, KILLED);
        assertThatThrownBy(done(jobs.get(0))::join).hasMessageContaining("exit code 137 running job0, tried 1");
        Worker next = transport.worker(1);
        d.onReady(next);
        answerAll(d, next);
        assertThat(jobs.get(1)).isCompleted();
        assertThat(jobs.get(2)).isCompleted();
        assertThat(jobs.get(1).starts).hasValue(1);
    }

    @Test
    void retriesRunTheCallAgainWithoutASecondStart() {
        var d = dispatcher(1, policy(1, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        d.onExit(w, KILLED);
        assertThat(job).isNotDone();
        Worker next = transport.worker(1);
        d.onReady(next);
        answerAll(d, next);
        assertThat(job).isCompleted();
        assertThat(job.starts).hasValue(1);
    }

    @Test
    void aCallAnsweredBeforeItsWorkerDiesIsNeverSentAgain() {
        var d = dispatcher(1, policy(3, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        answerAll(d, w);
        d.onExit(w, KILLED);
        FakeJob.submit(d, 1);
        assertThat(transport.worker(1).received)
                .noneMatch(s -> s.call() != null && s.call().job() == job);
        assertThat(job.settlements).hasValue(1);
    }

    // ------------------------------------------------------------------ stale reports, refilled slots

    @Test
    void aStaleStartedReportAfterARecallStartsNothingTwice() {
        var d = dispatcher(1, policy(0, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 2); // both to the one worker, the second sent ahead
        Worker a = transport.worker(0);
        d.onReady(a);
        d.onStarted(a, a.idOf(jobs.get(0)));
        clock.advanceMillis(RemoteDispatcher.STEAL_AFTER_MILLIS);
        d.resize(2); // room for a second worker: the call waiting behind a busy one is taken back
        long behind = a.idOf(jobs.get(1));
        assertThat(a.ids(Op.RECALL)).containsExactly(behind);
        assertThat(d.onRecalled(a, behind)).isTrue();
        assertThat(d.onStarted(a, behind)).isFalse(); // stale: worker 0 no longer holds it
        assertThat(d.onAnswer(a, behind)).isNull();
        assertThat(jobs.get(1).starts).hasValue(0);
        assertThat(transport.started).hasSize(2);
        assertThat(transport.worker(1).ids(Op.RUN_AHEAD)).containsExactly(behind);
    }

    @Test
    void aSlotIsRefilledWhenTheCallAtTheHeadOfTheQueueWasCancelled() {
        var d = dispatcher(1, policy(0, 0));
        List<FakeJob> jobs = FakeJob.submit(d, 3);
        Worker w = transport.worker(0);
        d.onReady(w);
        jobs.get(1).cancel(false); // queued (prefetch 0)
        var first = d.onAnswer(w, w.idOf(jobs.get(0)));
        assertThat(first).isNotNull();
        assertThat(w.ids(Op.RUN)).contains(w.idOf(jobs.get(2))); // not left waiting behind the cancelled one
        assertThat(jobs.get(1).settlements).hasValue(1); // its end is reported, so the pool frees its permit
        assertThat(jobs.get(1).starts).hasValue(0);
    }

    @Test
    void aCallCancelledWhileSentAheadIsDroppedBeforeCancelReturns() {
        var d = dispatcher(1, policy(0, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 2);
        Worker w = transport.worker(0);
        jobs.get(1).cancel(true);
        assertThat(w.ids(Op.DROP)).containsExactly(w.idOf(jobs.get(1)));
        d.onReady(w);
        assertThat(d.onStarted(w, w.idOf(jobs.get(0)))).isTrue();
    }

    @Test
    void aCancelledRunningCallIsInterruptedThenItsWorkerKilledAfterTheGrace() {
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        job.cancel(true);
        job.interrupter.run();
        clock.runDue();
        assertThat(w.ids(Op.INTERRUPT)).containsExactly(w.idOf(job));
        clock.advanceMillis(999);
        assertThat(w.killedFor).isNull();
        clock.advanceMillis(1);
        assertThat(w.killedFor).isSameAs(job);
    }

    @Test
    void aCallThatStopsWithinTheGraceKeepsItsWorker() {
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        job.interrupter.run();
        clock.runDue();
        d.onAnswer(w, w.idOf(job));
        clock.advanceMillis(2_000);
        assertThat(w.killedFor).isNull();
    }

    @Test
    void aStartedCallRequeuedAfterADeathAndThenCancelledReportsItsEnd() {
        var d = dispatcher(1, policy(1, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        d.onExit(w, KILLED); // retried: sent ahead to a new worker
        d.onExit(transport.worker(1), KILLED); // which dies starting up: back in the queue, backing off
        assertThat(d.queued()).isEqualTo(1);
        job.cancel(true);
        job.interrupter.run();
        clock.runDue();
        assertThat(job.settlements).hasValue(1);
        assertThatThrownBy(done(job)::join).isInstanceOf(CancellationException.class);
    }

    // ------------------------------------------------------------------ where calls run, worker events

    @Test
    void aCallIsStartedWithTheTransportsNameOfItsWorkerWhetherSentToAnIdleWorkerOrAhead() {
        var d = dispatcher(1, policy(0, 4));
        List<FakeJob> jobs = FakeJob.submit(d, 1);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(jobs.get(0))); // sent ahead to the booting worker: started when it says so
        jobs.addAll(FakeJob.submit(d, 1)); // sent ahead behind the running one
        answerAll(d, w);
        jobs.addAll(FakeJob.submit(d, 1)); // sent to the idle, ready worker: started when sent
        assertThat(w.ids(Op.RUN)).containsExactly(w.idOf(jobs.get(2)));
        assertThat(jobs).allSatisfy(j -> assertThat(j.where).isEqualTo("fake test-worker-1"));
    }

    @Test
    void aWorkerIsReportedStartedOnceWhenItIsFirstReady() {
        var d = dispatcher(1, new Policy(true, 0, 0, 0, 1, 0, 3));
        Worker w = transport.worker(0);
        assertThat(events.lines).isEmpty(); // booting is not started
        d.onReady(w);
        d.onReady(w);
        assertThat(events.lines).containsExactly("started fake test-worker-1");
    }

    @Test
    void aDeathIsReportedBeforeTheCallItTookDownFails() {
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        List<Boolean> settledAtTheEvent = new ArrayList<>();
        events.probe = () -> settledAtTheEvent.add(job.isDone());
        d.onExit(w, KILLED);
        assertThat(events.lines)
                .containsExactly("started fake test-worker-1", "died fake test-worker-1: exit code 137");
        assertThat(settledAtTheEvent).containsExactly(false);
        assertThat(job).isCompletedExceptionally();
    }

    @Test
    void aWorkerThatDiesStartingUpIsReportedDiedAndNeverStarted() {
        var d = dispatcher(1, policy(0, 4));
        FakeJob.submit(d, 1);
        d.onExit(transport.worker(0), BAD_OPTION);
        assertThat(events.lines).containsExactly("died fake test-worker-1: exit code 1");
    }

    @Test
    void workersClosedOrKilledOnPurposeAreReportedStopped() {
        var d = dispatcher(3, new Policy(true, 0, 0, 0, TimeUnit.SECONDS.toNanos(1), 0, 3));
        Worker retired = transport.worker(0);
        Worker stuck = transport.worker(1);
        Worker closed = transport.worker(2);
        List.of(retired, stuck, closed).forEach(d::onReady);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker busy = List.of(retired, stuck, closed).stream()
                .filter(w -> !w.received.isEmpty())
                .findFirst()
                .orElseThrow();
        assertThat(busy).isSameAs(retired);
        d.retire(retired); // as the transport does before it kills a worker that broke the protocol
        d.onExit(retired, KILLED);
        FakeJob slow = FakeJob.submit(d, 1).get(0);
        assertThat(stuck.ids(Op.RUN)).containsExactly(stuck.idOf(slow));
        slow.cancel(true);
        slow.interrupter.run();
        clock.runDue();
        clock.advanceMillis(1_000);
        assertThat(stuck.killedFor).isSameAs(slow);
        d.onExit(stuck, KILLED);
        d.shutdown();
        assertThat(closed.closed).isTrue();
        d.onExit(closed, 0);
        assertThat(events.lines)
                .filteredOn(l -> !l.startsWith("started"))
                .containsExactly(
                        "stopped fake test-worker-1: exit code 137",
                        "stopped fake test-worker-2: exit code 137",
                        "stopped fake test-worker-3: exit code 0");
        assertThat(job).isCompletedExceptionally();
    }

    @Test
    void aRecycledWorkerThatCrashesOnItsLastCallIsReportedDied() {
        var d = dispatcher(1, new Policy(false, 1, 0, 0, 1, 0, 3));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job)); // its one call: it closes once answered, but dies first
        d.onExit(w, KILLED);
        assertThat(events.lines)
                .containsExactly("started fake test-worker-1", "died fake test-worker-1: exit code 137");
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void aWorkerIsRecycledAfterItsMaximumOfCalls() {
        var d = dispatcher(1, new Policy(false, 2, 0, 0, 1, 0, 3));
        FakeJob.submit(d, 3);
        Worker w = transport.worker(0);
        d.onReady(w);
        answerAll(d, w);
        assertThat(w.closed).isTrue();
        d.onExit(w, 0);
        assertThat(transport.started).hasSize(2);
        assertThat(transport.worker(1).received).hasSize(1);
    }

    @Test
    void idleWorkersRetireAfterTheIdleTimeout() {
        var d = dispatcher(1, new Policy(true, 0, TimeUnit.MILLISECONDS.toNanos(100), 0, 1, 0, 3));
        Worker w = transport.worker(0);
        d.onReady(w);
        clock.advanceMillis(99);
        assertThat(w.closed).isFalse();
        clock.advanceMillis(30);
        assertThat(w.closed).isTrue();
    }

    @Test
    void loweringNClosesIdleWorkersFirst() {
        var d = dispatcher(2, new Policy(true, 0, 0, 0, 1, 0, 3));
        Worker a = transport.worker(0);
        Worker b = transport.worker(1);
        d.onReady(a);
        d.onReady(b);
        FakeJob.submit(d, 1);
        Worker busy = a.received.isEmpty() ? b : a;
        Worker idle = busy == a ? b : a;
        d.resize(1);
        assertThat(idle.closed).isTrue();
        assertThat(busy.closed).isFalse();
    }

    @Test
    void shutdownNowReturnsTheCallsThatNeverBeganAndDropsThoseSentAhead() {
        var d = dispatcher(1, policy(0, 2));
        List<FakeJob> jobs = FakeJob.submit(d, 3);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(jobs.get(0)));
        var never = d.shutdownNow();
        assertThat(never).containsExactlyInAnyOrder(jobs.get(1), jobs.get(2));
        assertThat(w.ids(Op.DROP)).containsExactly(w.idOf(jobs.get(1)));
        clock.runDue();
        assertThat(w.ids(Op.INTERRUPT)).containsExactly(w.idOf(jobs.get(0)));
        assertThatThrownBy(() -> d.execute(new FakeJob("late"), "p")).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void terminationWaitsForEveryWorkerToExit() {
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.shutdown();
        assertThat(w.closed).isFalse(); // still running
        answerAll(d, w);
        assertThat(done(job).join()).isEqualTo("payload0");
        assertThat(w.closed).isTrue();
        assertThat(d.isTerminated()).isFalse();
        d.onExit(w, 0);
        assertThat(d.isTerminated()).isTrue();
    }

    @Test
    void anExpectedExitBeforeReadyIsNoStartFailure() {
        var d = dispatcher(1, new Policy(true, 0, 0, 0, 1, 0, 1));
        Worker w = transport.worker(0);
        d.shutdown(); // closes the booting worker
        assertThat(w.closed).isTrue();
        d.onExit(w, 0);
        assertThat(d.isTerminated()).isTrue();
    }

    @Test
    void failuresReachTheJobAsTheTransportWordsThem() {
        var d = dispatcher(1, policy(0, 0));
        FakeJob job = FakeJob.submit(d, 1).get(0);
        Worker w = transport.worker(0);
        d.onReady(w);
        d.onStarted(w, w.idOf(job));
        d.onExit(w, 3);
        assertThatThrownBy(done(job)::join)
                .isInstanceOf(CompletionException.class)
                .hasMessageContaining("exit code 3");
    }
}
