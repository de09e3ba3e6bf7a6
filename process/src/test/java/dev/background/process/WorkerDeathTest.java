package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.function.CheckedCallable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that die under a task, with real processes and real signals. */
class WorkerDeathTest {
    @TempDir
    Path dir;

    private static BackgroundPool pool(String name, int n, ProcessKind kind) {
        return BackgroundPool.builder().name(name).n(n).kind(kind).build();
    }

    @Test
    void systemExitFailsOnlyThatTaskWithTheExitCodeAndANewWorkerTakesOver() {
        try (var pool = pool("exit", 2, ProcessKind.builder().prefetch(2).build())) {
            var ok = pool.task((Integer x) -> x + 1);
            List<Task<Integer>> before = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                before.add(ok.apply(i));
            }
            Task<Object> exit = pool.task(() -> {
                        System.err.println("about to exit with 3");
                        System.exit(3);
                        return null;
                    })
                    .named("exits")
                    .call();
            List<Task<Integer>> after = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                after.add(ok.apply(i));
            }
            assertThatThrownBy(exit::result).isInstanceOfSatisfying(WorkerDiedException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(3);
                assertThat(e.signal()).isZero();
                assertThat(e.getMessage()).contains("task 'exits'", "exit code 3", "about to exit with 3");
                assertThat(e.stderrTail()).contains("about to exit with 3");
                List<String> frames = java.util.Arrays.stream(e.getStackTrace())
                        .map(StackTraceElement::toString)
                        .toList();
                int separator = frames.indexOf("------ submitted from ------.(Unknown Source)");
                assertThat(separator).as("the separator frame in %s", frames).isNotNegative();
                assertThat(frames.get(separator + 1))
                        .as("the submit site follows it")
                        .startsWith(WorkerDeathTest.class.getName() + ".systemExitFailsOnlyThatTask");
            });
            for (int i = 0; i < 20; i++) {
                assertThat(before.get(i).result()).isEqualTo(i + 1);
                assertThat(after.get(i).result()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void tasksPrefetchedBehindADyingTaskRunElsewhere() {
        try (var pool = pool("prefetched", 1, ProcessKind.builder().prefetch(3).build())) {
            Task<Object> exit = pool.task(() -> {
                        Thread.sleep(200); // the next three are sent to this worker meanwhile
                        System.exit(4);
                        return null;
                    })
                    .call();
            var next = List.of(
                    pool.task(() -> "a").call(),
                    pool.task(() -> "b").call(),
                    pool.task(() -> "c").call());
            assertThat(exit.exception()).isInstanceOf(WorkerDiedException.class);
            assertThat(next).extracting(Task::result).containsExactly("a", "b", "c");
        }
    }

    @Test
    void killMinus9MidTaskFailsTheTaskWithTheSignal() throws Exception {
        try (var pool = pool("kill9", 1, ProcessKind.processes())) {
            String pidFile = Markers.newPath(dir, "pid");
            Task<Object> t = pool.task(() -> {
                        Markers.writePid(pidFile);
                        System.err.println(
                                "sleeping, pid " + ProcessHandle.current().pid());
                        Thread.sleep(60_000);
                        return null;
                    })
                    .call();
            long pid = Markers.awaitPid(pidFile);
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor()).isZero();
            assertThatThrownBy(t::result).isInstanceOfSatisfying(WorkerDiedException.class, e -> {
                assertThat(e.signal()).isEqualTo(9);
                assertThat(e.pid()).isEqualTo(pid);
                assertThat(e.getMessage()).contains("killed by signal 9 (SIGKILL)", "sleeping, pid " + pid);
            });
            long next = pool.task(() -> ProcessHandle.current().pid()).call().result();
            assertThat(next).isNotEqualTo(pid);
        }
    }

    @Test
    void exhaustingASmallHeapFailsTheTaskAndTheWorkerIsReplaced() {
        try (var pool =
                pool("oom", 1, ProcessKind.builder().jvmOptions("-Xmx48m").build())) {
            CheckedCallable<Integer> allocateForever = () -> {
                @SuppressWarnings("ModifiedButNotUsed") // fills the heap on purpose
                List<long[]> hold = new ArrayList<>();
                while (true) {
                    hold.add(new long[1 << 17]);
                }
            };
            Task<Integer> hog = pool.task(allocateForever).named("hog").call();
            assertThatThrownBy(hog::result).isInstanceOfSatisfying(WorkerDiedException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(3);
                assertThat(e.getMessage()).contains("OutOfMemoryError", "jvmOptions");
            });
            assertThat(pool.task(() -> "recovered").call().result()).isEqualTo("recovered");
        }
    }

    @Test
    void retriesOnWorkerDeathRunTheTaskAgainOnANewWorker() {
        String marker = Markers.newPath(dir, "first-attempt");
        try (var pool =
                pool("retry", 1, ProcessKind.builder().retriesOnWorkerDeath(1).build())) {
            Task<String> t = pool.task(() -> {
                        Path m = Path.of(marker);
                        if (!Files.exists(m)) {
                            Files.writeString(m, "x");
                            Runtime.getRuntime().halt(9);
                        }
                        return "second attempt";
                    })
                    .call();
            assertThat(t.result()).isEqualTo("second attempt");
        }
    }

    @Test
    void retriesAreBoundedAndTheFailureSaysHowManyTimes() {
        try (var pool =
                pool("retry2", 1, ProcessKind.builder().retriesOnWorkerDeath(2).build())) {
            Task<Object> t = pool.task(() -> {
                        Runtime.getRuntime().halt(5);
                        return null;
                    })
                    .call();
            assertThatThrownBy(t::result)
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("tried 3 times");
        }
    }

    @Test
    void cancelOfAnUninterruptibleLoopKillsAndReplacesTheWorkerAfterTheGracePeriod() {
        try (var pool = pool(
                "grace",
                1,
                ProcessKind.builder().cancelGracePeriod(Duration.ofMillis(300)).build())) {
            String pidFile = Markers.newPath(dir, "pid");
            Task<Long> t = pool.task(() -> {
                        Markers.writePid(pidFile);
                        long spins = 0;
                        while (spins >= 0) { // ignores interrupts
                            spins++;
                            Thread.onSpinWait();
                        }
                        return spins;
                    })
                    .named("stubborn")
                    .call();
            long pid = Markers.awaitPid(pidFile);
            assertThat(t.cancel(true)).isTrue();
            Markers.awaitDead(pid);
            assertThatThrownBy(t::result).isInstanceOf(CancellationException.class);
            Throwable e = t.handle((v, stored) -> stored).toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(10)).until(() -> e.getSuppressed().length > 0);
            assertThat(e.getSuppressed()[0])
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("did not stop within the cancel grace period");
            long next = pool.task(() -> ProcessHandle.current().pid()).call().result();
            assertThat(next).isNotEqualTo(pid);
        }
    }

    @Test
    void aTaskWritingToTheRealStandardOutputGetsItsWorkerStoppedWithAClearMessage() {
        try (var pool = pool("stdout", 1, ProcessKind.processes())) {
            Task<Object> t = pool.task(() -> {
                        var raw = new java.io.FileOutputStream(java.io.FileDescriptor.out);
                        raw.write("native noise\n".getBytes(StandardCharsets.UTF_8));
                        raw.flush();
                        Thread.sleep(60_000);
                        return null;
                    })
                    .call();
            assertThatThrownBy(t::result)
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("malformed frame")
                    .hasMessageContaining("native noise");
            assertThat(pool.task(() -> 5).call().result()).isEqualTo(5);
        }
    }
}
