package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The static facade delegates to one default pool (issue 2, "What a user writes"). */
class FacadeTest {

    @Test
    @SuppressWarnings("try") // the callback's registration is held for the block, never read
    void theIssuesExampleWorksOnTheDefaultPool() {
        var longFunc = Background.task((Integer i) -> i * i);
        List<Task<Integer>> futures =
                IntStream.range(0, 10).mapToObj(longFunc::apply).toList();
        int total = futures.stream().mapToInt(Task::result).sum();
        assertThat(total).isEqualTo(285);

        int before = Background.n();
        try {
            Background.n(40);
            assertThat(Background.n()).isEqualTo(40);
            assertThat(Background.defaultPool().n()).isEqualTo(40);
        } finally {
            Background.n(before);
        }

        Set<Task<?>> seen = ConcurrentHashMap.newKeySet();
        try (Registration r = Background.callback(seen::add)) {
            Task<String> t = Background.run(() -> "hello");
            assertThat(t.result()).isEqualTo("hello");
            Awaitility.await().until(() -> seen.contains(t));
            assertThat(Background.results()).contains(t);
        }
        assertThat(Background.map((Integer i) -> i + 1, List.of(1, 2, 3)).toList())
                .containsExactly(2, 3, 4);
        assertThat(Background.defaultPool().name()).isEqualTo("default");
        assertThat(Background.defaultPool().kind()).isSameAs(ExecutorKind.threads());
    }
}
