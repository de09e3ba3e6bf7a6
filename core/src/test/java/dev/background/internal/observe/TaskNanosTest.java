package dev.background.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.TaskTimings;
import dev.background.Tasks;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The raw accessors give exactly what {@link Task#timings()} gives, for tasks of pools and others. */
class TaskNanosTest {

    /** What a listener saw: the raw accessors and timings(), read in the same callback. */
    record Seen(
            long submitted,
            long started,
            long ended,
            @Nullable String where,
            TaskTimings timings) {
        static Seen of(Task<?> task) {
            return new Seen(
                    TaskNanos.submitted(task),
                    TaskNanos.started(task),
                    TaskNanos.ended(task),
                    TaskNanos.where(task),
                    task.timings());
        }
    }

    private static long nanos(@Nullable Instant instant) {
        return instant == null ? 0 : TaskNanos.epochNanos(instant);
    }

    @Test
    void aTaskThatRanReadsAsItsTimingsAtItsStartAndItsEnd() throws Exception {
        AtomicReference<Seen> atStart = new AtomicReference<>();
        AtomicReference<Seen> atEnd = new AtomicReference<>();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("nanos").threads().n(1).build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    atStart.set(Seen.of(task));
                }

                @Override
                public void taskEnded(BackgroundPool p, Task<?> task) {
                    atEnd.set(Seen.of(task));
                }
            });
            CountDownLatch ended = new CountDownLatch(1);
            pool.callback(t -> ended.countDown()); // callbacks run after the listeners
            pool.run(() -> 42).result();
            ended.await();
        }
        Seen start = atStart.get();
        assertThat(start.started()).isNotZero().isEqualTo(nanos(start.timings().started()));
        assertThat(start.submitted()).isEqualTo(nanos(start.timings().submitted()));
        assertThat(start.ended()).as("not ended yet").isZero();
        assertThat(start.where()).isNotNull().isEqualTo(start.timings().where());

        Seen end = atEnd.get();
        TaskTimings t = end.timings();
        assertThat(end.submitted()).isEqualTo(nanos(t.submitted()));
        assertThat(end.started()).isEqualTo(nanos(t.started())).isEqualTo(start.started());
        assertThat(end.ended()).isNotZero().isEqualTo(nanos(t.ended()));
        assertThat(end.ended() - end.started()).isEqualTo(t.runTime().toNanos());
        assertThat(end.started() - end.submitted()).isEqualTo(t.queueWait().toNanos());
        assertThat(end.where()).isEqualTo(t.where());
    }

    @Test
    void aTaskCancelledBeforeItStartedHasNoStartAndNoPlace() throws Exception {
        try (BackgroundPool pool =
                BackgroundPool.builder().name("nanos-cancel").threads().n(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer> blocker = pool.run(() -> {
                release.await();
                return 1;
            });
            Task<Integer> queued = pool.run(() -> 2);
            queued.cancel(false);
            Seen seen = Seen.of(queued);
            release.countDown();
            blocker.result();

            assertThat(seen.started()).isZero();
            assertThat(seen.where()).isNull();
            assertThat(seen.timings().started()).isNull();
            assertThat(seen.ended()).isNotZero().isEqualTo(nanos(seen.timings().ended()));
            assertThat(seen.submitted()).isEqualTo(nanos(seen.timings().submitted()));
        }
    }

    @Test
    void aTaskNotOfAPoolIsReadThroughItsTimings() {
        Task<String> done = Tasks.completed("v");
        TaskTimings t = done.timings();
        assertThat(TaskNanos.submitted(done)).isEqualTo(nanos(t.submitted()));
        assertThat(TaskNanos.started(done)).isZero();
        assertThat(TaskNanos.ended(done)).isEqualTo(nanos(t.ended()));
        assertThat(TaskNanos.where(done)).isNull();
    }
}
