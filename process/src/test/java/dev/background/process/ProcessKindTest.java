package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kind's builder: its options reach the workers, and bad input gets a clear error. */
class ProcessKindTest {

    @Test
    void jvmOptionsAndSystemPropertiesReachTheWorkers() {
        try (var pool = BackgroundPool.builder()
                .name("options")
                .n(1)
                .kind(ProcessKind.builder()
                        .jvmOptions("-Xmx64m")
                        .systemProperty("bg.test.mode", "worker")
                        .build())
                .build()) {
            assertThat(pool.task(() -> System.getProperty("bg.test.mode"))
                            .call()
                            .result())
                    .isEqualTo("worker");
            assertThat(pool.task(() -> Runtime.getRuntime().maxMemory()).call().result())
                    .isLessThanOrEqualTo(64L * 1024 * 1024);
        }
    }

    @Test
    void aWorkerThatCannotStartFailsItsTaskWithTheJvmsOwnMessage() {
        try (var pool = BackgroundPool.builder()
                .name("badjvm")
                .n(1)
                .kind(ProcessKind.builder().jvmOptions("-Xmx-1").build())
                .build()) {
            assertThatThrownBy(() -> pool.task(() -> 1).call().result())
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exit code 1")
                    .hasMessageContaining("-Xmx-1");
        }
    }

    @Test
    void kindDescribesItself() {
        ProcessKind kind = ProcessKind.builder().maxTasksPerWorker(5).build();
        assertThat(kind.name()).isEqualTo("processes");
        assertThat(kind.defaultN()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(kind.recordsSubmitSite()).isTrue();
        assertThat(kind.toString()).contains("maxTasksPerWorker=5");
    }

    @Test
    void badInputGetsAClearError() {
        var b = ProcessKind.builder();
        assertThatThrownBy(() -> b.jvmOptions((String[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> b.jvmOptions("Xmx1g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Xmx1g'");
        assertThatThrownBy(() -> b.systemProperty(null, "v"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> b.systemProperty("a=b", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a=b'");
        assertThatThrownBy(() -> b.maxTasksPerWorker(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> b.idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.retriesOnWorkerDeath(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> b.cancelGracePeriod(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("grace");
        assertThatThrownBy(() -> b.cancelGracePeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.prefetch(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> b.serialFilter("maxdepth=notanumber")).isInstanceOf(IllegalArgumentException.class);
    }
}
