package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Rows}: which call of which row an interrupt reaches, without Hazelcast, on a manual
 * clock. The stress test races interrupts from several threads against a thread that runs many
 * calls.
 */
class RowsTest {
    private static final long EARLY = 1_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Rows rows = new Rows(now::get, EARLY, 3, 4);

    @Test
    void anInterruptBeforeACallBeginsStopsItFromBeginning() {
        UUID id = UUID.randomUUID();
        Rows.Run run = rows.begin(id, 3);
        assertThat(rows.interrupt(id, 1)).isTrue();

        assertThat(run.begin(0)).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        assertThat(run.begin(2)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        run.end(2);
        rows.end(id, run);
    }

    @Test
    void anInterruptOfTheRunningCallInterruptsItsThreadUntilItEnds() {
        UUID id = UUID.randomUUID();
        Rows.Run run = rows.begin(id, 2);
        assertThat(run.begin(0)).isTrue();

        assertThat(rows.interrupt(id, 0)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        run.end(0);

        assertThat(Thread.currentThread().isInterrupted())
                .as("cleared for the next call")
                .isFalse();
        assertThat(run.begin(1)).isTrue();
        run.end(1);
        rows.end(id, run);
    }

    @Test
    void anInterruptThatCameBeforeTheRowBeganIsKeptForIt() {
        UUID id = UUID.randomUUID();
        assertThat(rows.interrupt(id, 1))
                .as("kept, though the row has not begun")
                .isTrue();

        Rows.Run run = rows.begin(id, 2);
        assertThat(run.begin(0)).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        rows.end(id, run);
        assertThat(rows.size()).isZero();
    }

    @Test
    void anInterruptAfterTheRowEndedKeepsNothing() {
        UUID id = UUID.randomUUID();
        Rows.Run run = rows.begin(id, 1);
        assertThat(run.begin(0)).isTrue();
        run.end(0);
        rows.end(id, run);

        assertThat(rows.interrupt(id, 0)).as("nothing left to interrupt").isFalse();
        assertThat(rows.size()).isZero();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void interruptsForRowsNotBegunAreCappedAndExpire() {
        for (int i = 0; i < 3; i++) {
            assertThat(rows.interrupt(UUID.randomUUID(), 0)).isTrue();
        }
        UUID queued = UUID.randomUUID();
        assertThat(rows.interrupt(queued, 0)).as("over the cap of 3").isFalse();

        now.addAndGet(EARLY + 1);

        assertThat(rows.interrupt(queued, 0)).as("the others expired").isTrue();
        assertThat(rows.size()).isEqualTo(1);
        Rows.Run run = rows.begin(queued, 1);
        assertThat(run.begin(0)).isFalse();
        rows.end(queued, run);
    }

    @Test
    void aRowThatBeganIsNeitherExpiredNorCountedAgainstTheCap() {
        UUID running = UUID.randomUUID();
        assertThat(rows.interrupt(running, 1)).isTrue();
        Rows.Run run = rows.begin(running, 2);
        now.addAndGet(10 * EARLY);
        for (int i = 0; i < 3; i++) {
            assertThat(rows.interrupt(UUID.randomUUID(), 0)).isTrue();
        }

        assertThat(run.begin(0)).isTrue();
        assertThat(rows.interrupt(running, 0)).as("still known: it runs").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        run.end(0);
        assertThat(run.begin(1)).isFalse();
        rows.end(running, run);
    }

    @Test
    void anInterruptOfNoCallIsRefused() {
        assertThat(rows.interrupt(UUID.randomUUID(), -1)).isFalse();
        assertThat(rows.interrupt(UUID.randomUUID(), Rows.MAX_CALLS)).isFalse();
        assertThat(rows.size()).isZero();
    }

    /** A row of the stress test, one of many run one after another. */
    private record Row(int number, Rows.Run run) {}

    /**
     * Interrupts go only to every seventh call, and only while it is about to begin, runs or has
     * just ended: an interrupt that leaked to the next call shows on a call no interrupt was
     * meant for.
     */
    @Test
    void interruptsFromManyThreadsReachOnlyTheCallsTheyAreMeantFor() throws Exception {
        int calls = Rows.MAX_CALLS;
        int rowCount = 20;
        Rows registry = new Rows();
        AtomicIntegerArray saw = new AtomicIntegerArray(calls * rowCount);
        AtomicIntegerArray skipped = new AtomicIntegerArray(calls * rowCount);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger current = new AtomicInteger();
        AtomicReference<Row> row = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread runner = new Thread(() -> {
            for (int r = 0; r < rowCount; r++) {
                UUID id = UUID.randomUUID();
                Rows.Run run = registry.begin(id, calls);
                row.set(new Row(r, run));
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
                registry.end(id, run);
            }
            done.set(true);
        });
        runner.start();
        ready.await();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!done.get()) {
                    Row now = row.get();
                    int at = current.get();
                    int target = (at + random.nextInt(-1, 2)) / 7 * 7; // a multiple of 7 next to the running call
                    if (target >= 0 && target < calls && Math.abs(target - at) <= 1) {
                        now.run().interrupt(target);
                    }
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
        for (int i = 0; i < calls * rowCount; i++) {
            if (saw.get(i) == 1 || skipped.get(i) == 1) {
                interrupted++;
                assertThat(i % calls % 7)
                        .as("call %d was interrupted but no interrupt was meant for it", i)
                        .isZero();
            }
        }
        assertThat(interrupted).as("calls that saw an interrupt or never began").isPositive();
        assertThat(registry.size()).isZero();
    }
}
