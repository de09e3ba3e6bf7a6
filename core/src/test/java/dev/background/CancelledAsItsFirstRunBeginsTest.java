package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.CancelledAsTheyBegin;
import dev.background.testkit.SerializingKind;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Delayed tasks cancelled as their first run begins, from many threads: a task whose timings
 * report a start really started (its listeners heard it, after its submit), and one that never
 * ran reports no start, no run time and no place.
 */
class CancelledAsItsFirstRunBeginsTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("threads", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().threads()),
                Arguments.of("virtual threads", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().virtualThreads()),
                Arguments.of("serializing", (Supplier<BackgroundPool.Builder>)
                        () -> BackgroundPool.builder().kind(SerializingKind.INSTANCE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aTaskCancelledAsItsFirstRunBeginsReportsAStartOnlyIfItStarted(String kind, Supplier<BackgroundPool.Builder> b)
            throws Exception {
        int threads = 4, perThread = 6_000;
        Set<Task<?>> told = ConcurrentHashMap.newKeySet();
        List<Task<?>> tasks;
        try (BackgroundPool pool = b.get().name("cancelled-as-it-begins").n(2).build()) {
            pool.addListener(new PoolListener() {
                @Override
                public void taskStarted(BackgroundPool p, Task<?> task) {
                    told.add(task);
                }
            });
            tasks = CancelledAsTheyBegin.scheduleCancelAndDrain(pool, threads, perThread);
        }
        assertThat(tasks).hasSize(threads * perThread);
        assertThat(tasks).allSatisfy(task -> {
            TaskTimings t = task.timings();
            assertThat(task.isDone()).isTrue();
            if (t.started() == null) {
                assertThat(task.state())
                        .as("never ran, yet not cancelled: %s", t)
                        .isEqualTo(Future.State.CANCELLED);
                // Set.contains, not AssertJ's contains: that walks the whole set for each task.
                assertThat(told.contains(task))
                        .as("heard started, yet no start in its timings: %s", t)
                        .isFalse();
                assertThat(t.where()).as("a place without a start: %s", t).isNull();
                assertThat(t.runTime()).as("a run time without a start: %s", t).isZero();
            } else {
                assertThat(told.contains(task))
                        .as("a start nobody heard of: %s", t)
                        .isTrue();
                assertThat(t.started()).as("started before its submit: %s", t).isAfterOrEqualTo(t.submitted());
                assertThat(t.where()).as("a start without a place: %s", t).isNotNull();
            }
        });
    }
}
