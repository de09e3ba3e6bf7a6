package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, recycling, retiring and stopping workers; checked by their pids. */
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void eagerWorkersStartAtBuildAndNoneIsAliveAfterClose() {
        List<Long> pids;
        try (var pool = BackgroundPool.builder()
                .name("eager")
                .n(2)
                .kind(ProcessKind.builder().eager(true).build())
                .build()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Markers.workerPids("eager").size() == 2);
            pids = Markers.workerPids("eager");
            assertThat(pool.task(() -> 1).call().result()).isEqualTo(1);
        }
        for (long pid : pids) {
            assertThat(Markers.isAlive(pid)).as("worker %d after close", pid).isFalse();
        }
        assertThat(Markers.workerPids("eager")).isEmpty();
    }

    @Test
    void lazyWorkersStartOnlyWhenNeeded() {
        try (var pool = BackgroundPool.builder()
                .name("lazy")
                .n(2)
                .kind(ProcessKind.processes())
                .build()) {
            assertThat(Markers.workerPids("lazy")).isEmpty();
            assertThat(pool.task(() -> 1).call().result()).isEqualTo(1);
            assertThat(Markers.workerPids("lazy")).hasSize(1);
        }
    }

    @Test
    void closeWaitsForRunningTasksAndThenStopsEveryWorker() {
        List<Task<Long>> tasks = new ArrayList<>();
        try (var pool = BackgroundPool.builder()
                .name("drain")
                .n(2)
                .kind(ProcessKind.processes())
                .build()) {
            for (int i = 0; i < 6; i++) {
                tasks.add(pool.task(() -> {
                            Thread.sleep(100);
                            return ProcessHandle.current().pid();
                        })
                        .call());
            }
        }
        for (Task<Long> t : tasks) {
            assertThat(t.state()).isEqualTo(java.util.concurrent.Future.State.SUCCESS);
            assertThat(Markers.isAlive(t.resultNow())).isFalse();
        }
    }

    @Test
    void shutdownNowCancelsQueuedAndRunningTasksAndStopsWorkers() {
        var pool = BackgroundPool.builder()
                .name("now")
                .n(1)
                .kind(ProcessKind.builder().prefetch(0).build())
                .build();
        String pidFile = Markers.newPath(dir, "pid");
        Task<Object> running = pool.task(() -> {
                    Markers.writePid(pidFile);
                    Thread.sleep(60_000);
                    return null;
                })
                .call();
        Task<Integer> queued = pool.task(() -> 2).call();
        long pid = Markers.awaitPid(pidFile);
        // The first call went ahead to a booting worker: the pool counts it started when the
        // worker's STARTED frame is read, which may come just after the task wrote its pid.
        await().atMost(Duration.ofSeconds(10)).until(() -> running.timings().started() != null);
        List<Runnable> neverStarted = pool.shutdownNow();
        assertThat(neverStarted).containsExactly((Runnable) queued);
        assertThat(running.isCancelled()).isTrue();
        assertThat(queued.isCancelled()).isTrue();
        Markers.awaitDead(pid);
        await().atMost(Duration.ofSeconds(10)).until(pool::isTerminated);
    }

    /** Regression: a task sent ahead to a busy worker and cancelled there must never begin. */
    @Test
    void aTaskCancelledWhileWaitingInItsWorkerNeverRuns() throws Exception {
        try (var pool = BackgroundPool.builder()
                .name("ahead")
                .n(1)
                .kind(ProcessKind.builder().prefetch(4).build())
                .build()) {
            for (int round = 0; round < 20; round++) {
                String started = Markers.newPath(dir, "started-" + round);
                String gate = Markers.newPath(dir, "gate-" + round);
                String ran = Markers.newPath(dir, "ran-" + round);
                Task<Object> blocker = pool.task(() -> {
                            Markers.writePid(started);
                            while (!java.nio.file.Files.exists(Path.of(gate))) {
                                Thread.onSpinWait();
                            }
                            return null;
                        })
                        .call();
                Markers.awaitPid(started);
                Task<Object> queued = pool.task(() -> {
                            java.nio.file.Files.writeString(Path.of(ran), "ran");
                            return null;
                        })
                        .call();
                assertThat(queued.cancel(false)).isTrue();
                java.nio.file.Files.writeString(Path.of(gate), "go");
                blocker.result();
                assertThat(pool.task(() -> "after").call().result()).isEqualTo("after");
                assertThat(java.nio.file.Files.exists(Path.of(ran)))
                        .as("round %d: the cancelled task ran", round)
                        .isFalse();
            }
        }
    }

    @Test
    void workersAreRecycledAfterMaxTasks() {
        try (var pool = BackgroundPool.builder()
                .name("recycle")
                .n(1)
                .kind(ProcessKind.builder().maxTasksPerWorker(3).build())
                .build()) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                pids.add(pool.task(() -> ProcessHandle.current().pid()).call().result());
            }
            assertThat(pids.subList(0, 3)).containsOnly(pids.get(0));
            assertThat(pids.subList(3, 6)).containsOnly(pids.get(3));
            assertThat(pids.get(3)).isNotEqualTo(pids.get(0));
            assertThat(pids.get(6)).isNotIn(pids.get(0), pids.get(3));
            Markers.awaitDead(pids.get(0));
            Markers.awaitDead(pids.get(3));
        }
    }

    @Test
    void idleWorkersExitAfterTheIdleTimeoutAndComeBackOnDemand() {
        try (var pool = BackgroundPool.builder()
                .name("idle")
                .n(1)
                .kind(ProcessKind.builder().idleTimeout(Duration.ofMillis(300)).build())
                .build()) {
            long first = pool.task(() -> ProcessHandle.current().pid()).call().result();
            Markers.awaitDead(first);
            long second = pool.task(() -> ProcessHandle.current().pid()).call().result();
            assertThat(second).isNotEqualTo(first);
        }
    }

    @Test
    void resizeStartsAndRetiresWorkers() {
        try (var pool = BackgroundPool.builder()
                .name("resize")
                .n(1)
                .kind(ProcessKind.builder().eager(true).build())
                .build()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Markers.workerPids("resize").size() == 1);
            pool.n(3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Markers.workerPids("resize").size() == 3);
            pool.n(1);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Markers.workerPids("resize").size() == 1);
            assertThat(pool.task(() -> "ok").call().result()).isEqualTo("ok");
        }
    }

    @Test
    void workersExitWhenTheirParentIsKilled() throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ParentProgram.class.getName());
        Process parent = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Long> pids = new ArrayList<>();
        try (var out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                if (line.startsWith("worker ")) {
                    pids.add(Long.parseLong(line.substring(7)));
                }
            }
        }
        assertThat(pids).hasSize(2);
        for (long pid : pids) {
            assertThat(Markers.isAlive(pid)).isTrue();
        }
        parent.destroyForcibly(); // SIGKILL: no shutdown hook, no close
        parent.waitFor();
        for (long pid : pids) {
            Markers.awaitDead(pid);
        }
    }

    /** A parent JVM that opens a pool, reports its workers' pids, and waits to be killed. */
    public static final class ParentProgram {
        public static void main(String[] args) throws Exception {
            var pool = BackgroundPool.builder()
                    .name("orphans")
                    .n(2)
                    .kind(ProcessKind.builder().eager(true).build())
                    .build();
            var pid = pool.task(() -> {
                Thread.sleep(300);
                return ProcessHandle.current().pid();
            });
            var a = pid.call();
            var b = pid.call();
            System.out.println("worker " + a.result());
            System.out.println("worker " + b.result());
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
