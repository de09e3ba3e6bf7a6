package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Every overload of the static facade reaches the default pool and runs the call it was given. */
class FacadeOverloadsTest {

    @Test
    void everyRunAndTaskOverloadRunsItsCallOnTheDefaultPool() {
        Set<Integer> sideEffects = ConcurrentHashMap.newKeySet();

        List<Task<?>> values = List.of(
                Background.run(() -> 0),
                Background.run((Integer a) -> a, 1),
                Background.run((Integer a, Integer b) -> a + b, 1, 1),
                Background.run((Integer a, Integer b, Integer c) -> a + b + c, 1, 1, 1),
                Background.task(() -> 4).call(),
                Background.task((Integer a) -> a).apply(5),
                Background.task((Integer a, Integer b) -> a + b).apply(3, 3),
                Background.task((Integer a, Integer b, Integer c) -> a + b + c).apply(3, 3, 1));
        List<Task<Void>> voids = List.of(
                Background.run(() -> {
                    sideEffects.add(10);
                }),
                Background.run(
                        (Integer a) -> {
                            sideEffects.add(a);
                        },
                        11),
                Background.run(
                        (Integer a, Integer b) -> {
                            sideEffects.add(a + b);
                        },
                        6,
                        6),
                Background.run(
                        (Integer a, Integer b, Integer c) -> {
                            sideEffects.add(a + b + c);
                        },
                        4,
                        4,
                        5),
                Background.task(() -> {
                            sideEffects.add(14);
                        })
                        .call(),
                Background.task((Integer a) -> {
                            sideEffects.add(a);
                        })
                        .apply(15),
                Background.task((Integer a, Integer b) -> {
                            sideEffects.add(a + b);
                        })
                        .apply(8, 8),
                Background.task((Integer a, Integer b, Integer c) -> {
                            sideEffects.add(a + b + c);
                        })
                        .apply(5, 6, 6));

        List<Object> results = values.stream().map(t -> (Object) t.result()).toList();
        assertThat(results).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(Tasks.gather(voids)).containsOnlyNulls();
        assertThat(sideEffects).containsExactlyInAnyOrder(10, 11, 12, 13, 14, 15, 16, 17);
        assertThat(Background.map((Integer i) -> i * 2, Stream.of(1, 2)).toList())
                .containsExactly(2, 4);
    }

    @Test
    void callbackReturnsARegistrationThatRemovesIt() {
        // Tracks its own tasks, not a count: tasks of other tests may still end on the default pool.
        Set<Task<?>> seen = ConcurrentHashMap.newKeySet();
        Registration r = Background.callback(seen::add);
        assertThat(r).isNotNull();
        Task<Integer> first = Background.run(() -> 1);
        first.result();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(first));

        r.remove();
        Task<Integer> second = Background.run(() -> 2);
        second.result();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Background.defaultPool().pending() == 0);

        assertThat(seen).contains(first).doesNotContain(second);
    }
}
