package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link RemoteBatch.Run}: which call of a batch an interrupt reaches, without Hazelcast. The
 * stress test races interrupts from several threads against a thread that runs many calls.
 */
class RemoteBatchRunTest {
    @Test
    void anInterruptBeforeACallBeginsStopsItFromBeginning() {
        RemoteBatch.Run run = new RemoteBatch.Run(3);
        run.interrupt(1);

        assertThat(run.begin(0)).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        assertThat(run.begin(2)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        run.end(2);
    }

    @Test
    void anInterruptOfTheRunningCallInterruptsItsThreadUntilItEnds() {
        RemoteBatch.Run run = new RemoteBatch.Run(2);
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
        RemoteBatch.Run run = new RemoteBatch.Run(2);
        assertThat(run.begin(0)).isTrue();
        run.end(0);

        run.interrupt(0);
        run.interrupt(-1);
        run.interrupt(2);

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(run.begin(1)).isTrue();
        run.end(1);
    }

    @Test
    void interruptsFromManyThreadsReachOnlyTheCallsTheyAreMeantFor() throws Exception {
        int calls = 20_000;
        int interrupters = 4;
        AtomicIntegerArray meant = new AtomicIntegerArray(calls);
        AtomicIntegerArray saw = new AtomicIntegerArray(calls);
        AtomicIntegerArray skipped = new AtomicIntegerArray(calls);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger current = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(1);
        RemoteBatch.Run[] holder = new RemoteBatch.Run[1];
        Thread runner = new Thread(() -> {
            RemoteBatch.Run run = new RemoteBatch.Run(calls);
            holder[0] = run;
            ready.countDown();
            for (int i = 0; i < calls; i++) {
                current.set(i);
                if (!run.begin(i)) {
                    skipped.set(i, 1);
                    continue;
                }
                for (int spin = 0; spin < 50; spin++) {
                    Thread.onSpinWait();
                }
                if (Thread.currentThread().isInterrupted()) {
                    saw.set(i, 1);
                }
                run.end(i);
            }
            done.set(true);
        });
        runner.start();
        ready.await();
        RemoteBatch.Run run = holder[0];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < interrupters; t++) {
            Thread th = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!done.get()) {
                    // Around the running call, where the races are: as it begins, runs and ends.
                    int i = Math.min(calls - 1, current.get() + random.nextInt(3));
                    meant.set(i, 1);
                    run.interrupt(i);
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
        for (int i = 0; i < calls; i++) {
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
