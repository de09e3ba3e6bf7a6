package dev.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Progress against real tasks, into a captured output. */
class ProgressTest {

    @Test
    void plainLinesEndWithTheWholeBatchAndItsFailures() {
        StringBuilder out = new StringBuilder();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("progress").n(2).build()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Task<Integer>> tasks = new ArrayList<>();
            var work = pool.task((Integer i) -> {
                go.await();
                if (i == 3) {
                    throw new IllegalStateException("three");
                }
                return i;
            });
            for (int i = 0; i < 5; i++) {
                tasks.add(work.apply(i));
            }
            go.countDown();
            Progress.of(tasks).named("work").to(out).terminal(false).await();
            assertThat(tasks).allMatch(Task::isDone);
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("work: 5/5 100% ").endsWith(", 1 failed");
        assertThat(out.toString()).doesNotContain("\r");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        StringBuilder out = new StringBuilder();
        try (BackgroundPool pool =
                BackgroundPool.builder().name("progress-tty").n(2).build()) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tasks.add(pool.run(() -> 1));
            }
            Progress.of(tasks).to(out).terminal(true).every(Duration.ZERO).await();
        }
        assertThat(out.toString()).startsWith("\rtasks: ").contains("50/50").endsWith(System.lineSeparator());
        String text = out.toString();
        assertThat(text.indexOf(System.lineSeparator()))
                .as("one line, redrawn: the only newline ends it")
                .isEqualTo(text.length() - System.lineSeparator().length());
    }

    @Test
    void badInputIsRefused() {
        assertThatNullPointerException().isThrownBy(() -> Progress.of(null)).withMessage("tasks");
        Progress p = Progress.of(List.of());
        assertThatNullPointerException().isThrownBy(() -> p.named(null)).withMessage("name");
        assertThatNullPointerException().isThrownBy(() -> p.to(null)).withMessage("out");
        assertThatIllegalArgumentException().isThrownBy(() -> p.every(Duration.ofMillis(-1)));
    }
}
