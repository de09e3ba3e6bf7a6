package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link RemoteBatch.Run}: which call of a batch an interrupt reaches, without Hazelcast. The
 * stress test races interrupts from several threads against a thread that runs many calls.
 */
class RemoteBatchRunTest {
    @Test
    void anInterruptBeforeACallBeginsStopsItFromBeginning() {
        RemoteBatch.Run run = new RemoteBatch.Run().start(3);
        run.interrupt(1);

        assertThat(run.begin(0)).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        assertThat(run.begin(2)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        run.end(2);
    }

    @Test
    void anInterruptThatCameBeforeTheBatchBeganIsKeptForIt() {
        RemoteBatch.Run early = new RemoteBatch.Run();
        early.interrupt(1);
        assertThat(early.started()).isFalse();
        assertThat(early.expired(System.nanoTime())).isFalse();
        assertThat(early.expired(System.nanoTime() + RemoteBatch.EARLY_NANOS + 1))
                .isTrue();

        RemoteBatch.Run run = early.start(2);
        assertThat(run.begin(0)).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        assertThat(run.expired(System.nanoTime() + RemoteBatch.EARLY_NANOS + 1))
                .as("begun")
                .isFalse();
    }

    @Test
    void anInterruptOfTheRunningCallInterruptsItsThreadUntilItEnds() {
        RemoteBatch.Run run = new RemoteBatch.Run().start(2);
        assertThat(run.begin(0)).isTrue();

        run.interrupt(0);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        run.end(0);

        assertThat(Thread.currentThread().isInterrupted())
                .as("cleared for the next call")
                .isFalse();
        assertThat(run.begin(1)).isTrue();
        run.end(1);
    }

    @Test
    void anInterruptOfAnEndedCallOrOfNoCallDoesNothing() {
        RemoteBatch.Run run = new RemoteBatch.Run().start(2);
        assertThat(run.begin(0)).isTrue();
        run.end(0);

        run.interrupt(0);
        run.interrupt(-1);
        run.interrupt(2);

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(run.begin(1)).isTrue();
        run.end(1);
    }

    /** A batch of the stress test, one of many run one after another. */
    private record Round(int number, RemoteBatch.Run run) {}

    @Test
    void interruptsFromManyThreadsReachOnlyTheCallsTheyAreMeantFor() throws Exception {
        int calls = RemoteBatch.MAX_CALLS;
        int rounds = 20;
        int interrupters = 4;
        AtomicIntegerArray meant = new AtomicIntegerArray(calls * rounds);
        AtomicIntegerArray saw = new AtomicIntegerArray(calls * rounds);
        AtomicIntegerArray skipped = new AtomicIntegerArray(calls * rounds);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger current = new AtomicInteger();
        AtomicReference<Round> round = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread runner = new Thread(() -> {
            for (int r = 0; r < rounds; r++) {
                RemoteBatch.Run run = new RemoteBatch.Run().start(calls);
                round.set(new Round(r, run));
                ready.countDown();
                for (int i = 0; i < calls; i++) {
                    current.set(i);
                    if (!run.begin(i)) {
                        skipped.set(r * calls + i, 1);
                        continue;
                    }
                    for (int spin = 0; spin < 50; spin++) {
                        Thread.onSpinWait();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        saw.set(r * calls + i, 1);
                    }
                    run.end(i);
                }
            }
            done.set(true);
        });
        runner.start();
        ready.await();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < interrupters; t++) {
            Thread th = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!done.get()) {
                    Round now = round.get();
                    // Around the running call, where the races are: as it begins, runs and ends.
                    int i = Math.min(calls - 1, current.get() + random.nextInt(3));
                    meant.set(now.number() * calls + i, 1);
                    now.run().interrupt(i);
                }
            });
            th.start();
            threads.add(th);
        }
        runner.join();
        for (Thread th : threads) {
            th.join();
        }

        int interrupted = 0;
        for (int i = 0; i < calls * rounds; i++) {
            if (saw.get(i) == 1 || skipped.get(i) == 1) {
                interrupted++;
                assertThat(meant.get(i))
                        .as("call %d was interrupted but no interrupt was meant for it", i)
                        .isEqualTo(1);
            }
        }
        assertThat(interrupted).as("calls that saw an interrupt or never began").isPositive();
    }
}
