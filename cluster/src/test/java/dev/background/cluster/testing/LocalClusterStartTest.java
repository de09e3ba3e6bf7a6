package dev.background.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link LocalCluster} starts its workers: a few at a time, with extra JVM options, and without
 * a class data archive where one cannot be made (the tests' class path has directories, which class
 * data sharing refuses; {@link LocalClusterArchiveTest} covers the archive itself, from jars).
 */
class LocalClusterStartTest {

    @Test
    void workersStartOneAtATimeWithTheGivenOptions() {
        try (LocalCluster local = LocalCluster.builder()
                .members(3)
                .n(2)
                .startAtOnce(1)
                .workerJvmOptions("-XX:TieredStopAtLevel=1")
                .start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(arguments(local.pid(i))).contains("-XX:TieredStopAtLevel=1");
            }
            // One at a time: worker 2 was launched only once worker 1 had joined.
            Instant launched1 = launched(local.pid(1));
            Instant launched2 = launched(local.pid(2));
            assertThat(Duration.between(launched1, launched2))
                    .isGreaterThan(local.startTime(1).dividedBy(2));
            assertThat(pidsThatRan(local, 12)).hasSize(3);
        }
    }

    @Test
    void withADirectoryOnTheClassPathTheWorkersStartWithoutAnArchive(@TempDir Path archives) throws IOException {
        assumeTrue(
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                        .anyMatch(e -> Files.isDirectory(Path.of(e))),
                "the tests run from a class path of jars only");
        try (LocalCluster local = LocalCluster.builder()
                .members(1)
                .n(1)
                .classDataArchive(archives)
                .start()) {
            assertThat(arguments(local.pid(0))).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
            assertThat(pidsThatRan(local, 2)).hasSize(1);
        }
        try (Stream<Path> left = Files.list(archives)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void badOptionsAreRefused() {
        LocalCluster.Builder b = LocalCluster.builder();
        assertThatThrownBy(() -> b.workerJvmOptions("Xmx1g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Xmx1g");
        assertThatThrownBy(() -> b.workerJvmOptions(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.workerJvmOptions((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.startAtOnce(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> b.startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> b.startTimeout(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> b.classDataArchive(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("directory");
    }

    private static List<Long> pidsThatRan(LocalCluster local, int tasks) {
        try (BackgroundPool pool =
                BackgroundPool.builder().n(2).kind(local.kind()).build()) {
            var pid = pool.task((Integer i) -> {
                Thread.sleep(100);
                return ProcessHandle.current().pid();
            });
            List<Task<Long>> ts = IntStream.range(0, tasks).mapToObj(pid::apply).toList();
            return ts.stream()
                    .map(t -> t.result(Duration.ofSeconds(60)))
                    .distinct()
                    .toList();
        }
    }

    private static List<String> arguments(long pid) {
        return List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
    }

    private static Instant launched(long pid) {
        return ProcessHandle.of(pid).orElseThrow().info().startInstant().orElseThrow();
    }
}
