package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runs() {
        try (var pool = BackgroundPool.builder().kind(ProcessKind.processes()).n(2).build()) {
            var f = pool.task((Integer x) -> x * 2);
            assertThat(f.apply(21).result()).isEqualTo(42);
            var pid = pool.task(() -> ProcessHandle.current().pid()).call().result();
            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            System.out.println("pid " + pid);
        }
    }
}
