package dev.background;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exit like Python (issue 2, item 9), in child JVMs: a program whose main returns with tasks still
 * queued or running loses none of them; an idle library never keeps the JVM alive. "Exits" is
 * asserted with a generous waitFor in {@link ChildJvm}, never with a measured time.
 */
@Tag("child-jvm") // each test starts JVMs: left out of mutation testing (docs/mutation.md)
class ExitTest {

    /** Queues slow tasks on the default pool, a built pool and a virtual-thread pool, then returns. */
    static final class MainReturnsWithTasksQueued {
        public static void main(String[] args) {
            Background.n(1); // one at a time: most are still queued when main returns
            var slow = Background.task((Integer i) -> {
                Thread.sleep(20); // the work: it must not be lost
                System.out.println("default task " + i + " done");
            });
            IntStream.range(0, 5).forEach(slow::apply);
            var pool = BackgroundPool.builder().name("built").n(1).build();
            var virtual = BackgroundPool.builder()
                    .name("virtual")
                    .virtualThreads()
                    .n(1)
                    .build();
            for (int i = 0; i < 3; i++) {
                int k = i;
                pool.run(() -> {
                    Thread.sleep(20);
                    System.out.println("built task " + k + " done");
                });
                virtual.run(() -> {
                    Thread.sleep(20);
                    System.out.println("virtual task " + k + " done");
                });
            }
            System.out.println("main returns");
        }
    }

    /** Uses the library, waits for its results, and returns with every pool idle. */
    static final class MainReturnsWithPoolsIdle {
        public static void main(String[] args) {
            System.out.println("sum "
                    + Background.map((Integer i) -> i * i, List.of(1, 2, 3))
                            .mapToInt(i -> i)
                            .sum());
            var virtual = BackgroundPool.builder().virtualThreads().build();
            System.out.println("virtual " + virtual.run(() -> "ok").result());
            System.out.println("main returns");
        }
    }

    /** A task that never ends, on a pool that does not wait at exit. */
    static final class MainReturnsWithAnAbandonedTask {
        public static void main(String[] args) {
            var pool = BackgroundPool.builder().awaitTasksAtExit(false).n(1).build();
            pool.run(() -> {
                Thread.sleep(Long.MAX_VALUE);
                System.out.println("never");
            });
            System.out.println("main returns");
        }
    }

    /** System.exit while tasks are queued: they run first, and the exit code is kept. */
    static final class MainCallsSystemExit {
        public static void main(String[] args) {
            Background.n(1);
            for (int i = 0; i < 3; i++) {
                int k = i;
                Background.run(() -> {
                    Thread.sleep(20);
                    System.out.println("task " + k + " done");
                });
            }
            System.exit(3);
        }
    }

    @Test
    void theJvmWaitsForTasksStillQueuedWhenMainReturns() throws Exception {
        var child = ChildJvm.run(MainReturnsWithTasksQueued.class);

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("main returns");
        for (int i = 0; i < 5; i++) {
            assertThat(child.output()).contains("default task " + i + " done");
        }
        for (int i = 0; i < 3; i++) {
            assertThat(child.output()).contains("built task " + i + " done", "virtual task " + i + " done");
        }
    }

    @Test
    void anIdleLibraryDoesNotKeepTheJvmAlive() throws Exception {
        // Platform workers linger 60 s when idle: the patience is below that, so a non-daemon
        // worker would fail this test.
        var child = ChildJvm.run(MainReturnsWithPoolsIdle.class, List.of(), Map.of(), Duration.ofSeconds(45));

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("sum 14", "virtual ok", "main returns");
    }

    @Test
    void aPoolThatDoesNotAwaitTasksAtExitLetsTheJvmGo() throws Exception {
        var child = ChildJvm.run(MainReturnsWithAnAbandonedTask.class, List.of(), Map.of(), Duration.ofSeconds(45));

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("main returns").doesNotContain("never");
    }

    @Test
    void systemExitWaitsForQueuedTasksAndKeepsItsExitCode() throws Exception {
        var child = ChildJvm.run(MainCallsSystemExit.class);

        assertThat(child.exitCode()).as(child.output()).isEqualTo(3);
        assertThat(child.output()).contains("task 0 done", "task 1 done", "task 2 done");
    }
}
