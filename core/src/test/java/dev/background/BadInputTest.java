package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.function.CheckedBiConsumer;
import dev.background.function.CheckedBiFunction;
import dev.background.function.CheckedCallable;
import dev.background.function.CheckedConsumer;
import dev.background.function.CheckedFunction;
import dev.background.function.CheckedRunnable;
import dev.background.function.CheckedTriConsumer;
import dev.background.function.CheckedTriFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input (issue 2, item 10): a null function or argument list is an NPE naming the parameter;
 * an n of zero or less and negative timeouts are IAEs giving the value. Kind-independent (the
 * checks are above the engine), so on threads only.
 */
class BadInputTest {
    private final BackgroundPool pool =
            BackgroundPool.builder().name("bad-input").n(1).build();

    @AfterEach
    void close() {
        pool.close();
    }

    private static void assertNpeNaming(String parameter, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(parameter);
    }

    @Test
    void aNullFunctionIsAnNpeNamingFn() {
        List<ThrowingCallable> calls = List.of(
                () -> pool.task((CheckedCallable<Object>) null),
                () -> pool.task((CheckedFunction<Object, Object>) null),
                () -> pool.task((CheckedBiFunction<Object, Object, Object>) null),
                () -> pool.task((CheckedTriFunction<Object, Object, Object, Object>) null),
                () -> pool.task((CheckedRunnable) null),
                () -> pool.task((CheckedConsumer<Object>) null),
                () -> pool.task((CheckedBiConsumer<Object, Object>) null),
                () -> pool.task((CheckedTriConsumer<Object, Object, Object>) null),
                () -> pool.run((CheckedCallable<Object>) null),
                () -> pool.run((CheckedFunction<Object, Object>) null, 1),
                () -> pool.run((CheckedBiFunction<Object, Object, Object>) null, 1, 2),
                () -> pool.run((CheckedTriFunction<Object, Object, Object, Object>) null, 1, 2, 3),
                () -> pool.run((CheckedRunnable) null),
                () -> pool.run((CheckedConsumer<Object>) null, 1),
                () -> pool.run((CheckedBiConsumer<Object, Object>) null, 1, 2),
                () -> pool.run((CheckedTriConsumer<Object, Object, Object>) null, 1, 2, 3),
                () -> pool.map((CheckedFunction<Object, Object>) null, List.of()),
                () -> pool.map((CheckedFunction<Object, Object>) null, Stream.of()),
                () -> Background.task((CheckedCallable<Object>) null),
                () -> Background.run((CheckedFunction<Object, Object>) null, 1));
        assertThat(calls).allSatisfy(call -> assertNpeNaming("fn", call));
        assertThat(pool.pending()).as("nothing was submitted").isZero();
    }

    @Test
    void nullInputsTasksCallbacksAndTimeoutsAreNpesNamingTheParameter() {
        var square = pool.task((Integer i) -> i * i);
        Task<Integer> done = square.apply(2);
        done.result();

        assertNpeNaming("inputs", () -> square.map((Iterable<Integer>) null));
        assertNpeNaming("inputs", () -> square.map((Stream<Integer>) null));
        assertNpeNaming("inputs", () -> square.map((Stream<Integer>) null, 3));
        assertNpeNaming("callback", () -> pool.callback(null));
        assertNpeNaming("callback", () -> done.onDone(null));
        assertNpeNaming("callback", () -> BackgroundPool.builder().callback(null));
        assertNpeNaming("timeout", () -> done.result(null));
        assertNpeNaming("timeout", () -> done.exception(null));
        assertNpeNaming("timeout", () -> square.timeout(null));
        assertNpeNaming("name", () -> square.named(null));
        assertNpeNaming("name", () -> BackgroundPool.builder().name(null));
        assertNpeNaming("kind", () -> BackgroundPool.builder().kind(null));
        assertNpeNaming("tasks", () -> Tasks.asCompleted(null));
        assertNpeNaming("tasks", () -> Tasks.gather(null));
        assertNpeNaming("tasks", () -> Tasks.awaitAny(null));
        assertNpeNaming("tasks", () -> Tasks.awaitAll(null));
        assertNpeNaming("until", () -> Tasks.await(List.of(done), null, Duration.ZERO));
        assertNpeNaming("timeout", () -> Tasks.await(List.of(done), Tasks.Until.ALL_COMPLETED, null));
        assertNpeNaming("task", () -> pool.submit((Callable<Object>) null));
        assertNpeNaming("task", () -> pool.submit((Runnable) null));
        assertNpeNaming("command", () -> pool.execute(null));
        assertNpeNaming("tasks", () -> pool.invokeAll(null));
        assertNpeNaming("tasks", () -> pool.invokeAny(null));
        assertThatThrownBy(() -> Tasks.awaitAll(Arrays.asList(done, null))).isInstanceOf(NullPointerException.class);
        Collection<Callable<Integer>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> pool.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nOfZeroOrLessIsAnIaeGivingTheValue() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> BackgroundPool.builder().n(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
            assertThatThrownBy(() -> pool.n(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
            assertThatThrownBy(() -> pool.task((Integer i) -> i).limit(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
            assertThatThrownBy(() -> pool.task((Integer i) -> i).map(Stream.of(1), bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
        }
        assertThatThrownBy(() -> Background.n(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThat(pool.n()).as("unchanged").isEqualTo(1);
        assertThatThrownBy(() -> BackgroundPool.builder().keepResults(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> BackgroundPool.builder().name(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeTimeoutsAreIaesGivingTheValue() {
        Duration negative = Duration.ofSeconds(-1);
        Task<Integer> done = pool.run(() -> 1);
        done.result();
        var f = pool.task(() -> 1);

        List<ThrowingCallable> calls = List.of(
                () -> done.result(negative),
                () -> done.exception(negative),
                () -> f.timeout(negative),
                () -> Tasks.asCompleted(List.of(done), negative),
                () -> Tasks.await(List.of(done), Tasks.Until.ALL_COMPLETED, negative),
                () -> Tasks.awaitAll(List.of(done), negative));
        assertThat(calls)
                .allSatisfy(call -> assertThatThrownBy(call)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(negative.toString()));
        assertThatThrownBy(() -> f.timeout(Duration.ZERO))
                .as("a time limit of zero makes no sense")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }

    @Test
    void emptyCollectionsWhereATaskIsNeededAreIaes() {
        assertThatThrownBy(() -> Tasks.awaitAny(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.invokeAny(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.invokeAny(List.<Callable<Integer>>of(() -> 1), 1, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("unit");
        assertThatThrownBy(() -> pool.awaitTermination(1, (TimeUnit) null)).isInstanceOf(NullPointerException.class);
    }
}
