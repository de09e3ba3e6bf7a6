package dev.background.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.internal.remote.FakeTransport.Worker;
import dev.background.internal.remote.RemoteDispatcher.Policy;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Settlements decided on the scheduler's timer run user callbacks elsewhere: the timer thread is
 * shared by every pool of the JVM, so a callback that blocks there would stop every pool's
 * backoffs, suspicions, member waits and time limits. Manual time, as in the other dispatcher
 * tests, but the due tasks run on a thread of their own, as the real timer's do, and
 * settlements on another one, as the real scheduler's do.
 */
class RemoteDispatcherTimerThreadTest {
    private static final int BAD_OPTION = 1;

    /** Manual time whose due tasks run on one thread, {@code test-timer}; settlements on {@code test-settle}. */
    private static final class TimerThreadScheduler implements Scheduler {
        final ManualScheduler clock = new ManualScheduler();
        final ExecutorService timer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-timer"));

        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            clock.schedule(task, delayNanos);
        }

        @Override
        public void settle(Runnable settlements) {
            Thread.ofPlatform().name("test-settle").start(settlements);
        }

        /** Moves time on the timer thread, running what falls due there; does not wait for it. */
        void advanceMillis(long millis) {
            timer.execute(() -> clock.advanceMillis(millis));
        }
    }

    private final TimerThreadScheduler scheduler = new TimerThreadScheduler();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseTheCallbackAndStopTheTimer() throws InterruptedException {
        release.countDown(); // without the fix, the timer thread is still blocked in the callback
        scheduler.timer.shutdown();
        assertThat(scheduler.timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private RemoteDispatcher<Worker, String> dispatcher(String name, FakeTransport transport, Policy policy) {
        var d = policy.workers() == RemoteDispatcher.Workers.REPORTED
                ? RemoteDispatcher.reported(name, 1, policy, transport, scheduler, new RecordingEvents())
                : RemoteDispatcher.started(name, 1, policy, transport, scheduler, new RecordingEvents());
        d.start();
        return d;
    }

    /** Blocks the thread that completes {@code job} until the test ends, recording which thread it is. */
    private AtomicReference<Thread> blockingCallback(FakeJob job, CountDownLatch entered) {
        AtomicReference<Thread> thread = new AtomicReference<>();
        job.whenComplete((v, e) -> {
            thread.set(Thread.currentThread());
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        return thread;
    }

    /**
     * Regression guard: a call that found no worker once a start-up backoff was over (the next
     * start failed) was failed on the timer thread, so its blocking callback stopped another
     * pool's backoff from ever ending.
     */
    @Test
    void aFailureAfterAStartBackoffSettlesOffTheTimerAndAnotherPoolsBackoffStillEnds() throws Exception {
        Policy policy = new Policy(false, 0, 0, 0, TimeUnit.SECONDS.toNanos(1), 4, 3);
        FakeTransport blockedTransport = new FakeTransport();
        FakeTransport otherTransport = new FakeTransport();
        var blocked = dispatcher("blocked", blockedTransport, policy);
        var other = dispatcher("other", otherTransport, policy);
        FakeJob job = FakeJob.submit(blocked, 1).get(0);
        FakeJob.submit(other, 1);
        blocked.onExit(blockedTransport.worker(0), BAD_OPTION); // both back off before their next start
        other.onExit(otherTransport.worker(0), BAD_OPTION);
        blockedTransport.startFailure = new IOException("no JVM there");
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Thread> callbackThread = blockingCallback(job, entered);

        scheduler.advanceMillis(RemoteDispatcher.FIRST_BACKOFF_MILLIS); // blocked's retry first, then other's

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(job).isCompletedExceptionally();
        await().atMost(Duration.ofSeconds(10)).until(() -> otherTransport.started.size() == 2);
        assertThat(callbackThread.get().getName()).isEqualTo("test-settle");
    }

    /**
     * Regression guard: a call back in the queue after its member left, interrupted from the
     * timer (a retried attempt's time limit: its task is not settled yet), was failed on the
     * timer thread, running its callbacks there.
     */
    @Test
    void anInterruptOfARequeuedCallSettlesOffTheTimerAndTheNextTimerTaskRuns() throws Exception {
        FakeTransport transport = new FakeTransport();
        var d = dispatcher("members", transport, Policy.members(0, 0));
        Worker member = new Worker("a");
        d.onJoined(member, 1);
        FakeJob job = FakeJob.submit(d, 1).get(0);
        d.onLeft(member); // back on the queue, no member to run it
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Thread> callbackThread = blockingCallback(job, entered);

        Objects.requireNonNull(job.interrupter).run(); // schedules the interrupt on the timer
        CountDownLatch nextTimerTask = new CountDownLatch(1);
        scheduler.schedule(nextTimerTask::countDown, 0);
        scheduler.advanceMillis(0);

        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(job).isCompletedExceptionally();
        assertThat(d.queued()).isZero();
        assertThat(nextTimerTask.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(callbackThread.get().getName()).isEqualTo("test-settle");
    }
}
