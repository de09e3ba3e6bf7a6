package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.function.AsyncFunction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Regression: {@code map} refills its window right after taking a result; when that refill
 * failed, the result already taken was lost with it.
 */
class MapRefillFailureTest {

    @Test
    void aResultTakenBeforeTheInputsFailIsStillReturned() {
        try (BackgroundPool pool =
                BackgroundPool.builder().name("map-refill").n(2).build()) {
            AsyncFunction<Integer, Integer> square = pool.task((Integer i) -> i * i);
            Stream<Integer> inputs = Stream.iterate(3, i -> {
                throw new IllegalStateException("the input source broke");
            });

            Iterator<Integer> out = square.map(inputs, 1).iterator();

            assertThat(out.next()).isEqualTo(9);
            assertThatThrownBy(out::hasNext)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the input source broke");
        }
    }

    @Test
    void callsAlreadySubmittedAreDeliveredBeforeTheInputsFailure() {
        try (BackgroundPool pool =
                BackgroundPool.builder().name("map-refill-window").n(2).build()) {
            AsyncFunction<Integer, Integer> square = pool.task((Integer i) -> i * i);
            Iterator<Integer> source = new Iterator<>() {
                private int next = 1;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    if (next > 3) {
                        throw new IllegalStateException("the input source broke after 3");
                    }
                    return next++;
                }
            };

            Iterator<Integer> out = square.map(() -> source).iterator();
            List<Integer> got = new ArrayList<>();
            assertThatThrownBy(() -> out.forEachRemaining(got::add))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the input source broke after 3");

            assertThat(got).as("as a sequential map would give them").containsExactly(1, 4, 9);
            assertThat(out.hasNext()).as("thrown once, then ended").isFalse();
        }
    }

    @Test
    void aResultTakenBeforeThePoolShutsDownIsStillReturned() {
        BackgroundPool pool =
                BackgroundPool.builder().name("map-refill-shutdown").n(2).build();
        AsyncFunction<Integer, Integer> square = pool.task((Integer i) -> i * i);
        Stream<Integer> inputs = Stream.iterate(1, i -> {
            if (i == 2) {
                pool.shutdown(); // the refill after the second result is refused
            }
            return i + 1;
        });

        Iterator<Integer> out = square.map(inputs, 1).iterator();

        assertThat(out.next()).isEqualTo(1);
        assertThat(out.next()).as("taken before the refill was refused").isEqualTo(4);
        assertThatThrownBy(out::hasNext).isInstanceOf(RejectedExecutionException.class);
        pool.close();
    }
}
