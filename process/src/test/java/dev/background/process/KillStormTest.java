package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's "done means": 10,000 short tasks on four workers, with a worker killed by SIGKILL
 * every {@value #KILL_EVERY} tasks (about every 200 ms here), paced by task count, not sleeps.
 * One task in every {@value #KILL_EVERY} has its own worker killed while it runs (the first time
 * it runs), so the tasks sent ahead to that worker, which never began, are in the line of fire.
 * With retries, a second storm also kills whichever worker answered last, every
 * {@value #KILL_EVERY} answers, and every future still has its result; without retries, exactly
 * the tasks that were running when their worker was killed fail.
 */
class KillStormTest {
    private static final int TASKS = 10_000;
    private static final int KILL_EVERY = 400;
    /** A result packs the worker's pid with the task's answer: pid * RANGE + 2i. */
    private static final long RANGE = 100_000;

    @TempDir
    Path dir;

    private static boolean victim(int i) {
        return i % KILL_EVERY == KILL_EVERY / 2;
    }

    private static List<Task<Long>> submit(BackgroundPool pool, String markers, Consumer<Task<Long>> onEachEnd) {
        var f = pool.task((Integer i) -> {
            long pid = ProcessHandle.current().pid();
            if (victim(i)) {
                try {
                    Files.createFile(Path.of(markers, "killed-" + i)); // only the first time it runs
                    new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
                    Thread.sleep(60_000); // killed during this
                } catch (FileAlreadyExistsException retried) {
                    // run again after its worker was killed: answer
                }
            }
            return pid * RANGE + 2L * i;
        });
        List<Task<Long>> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            Task<Long> t = f.apply(i);
            t.onDone(onEachEnd);
            tasks.add(t);
        }
        for (Task<Long> t : tasks) {
            t.exception(Duration.ofMinutes(5)); // waits for its end, whatever it is
        }
        return tasks;
    }

    @Test
    void withRetriesEveryFutureHasItsResultThroughAStormOfKills() throws Exception {
        try (var pool = BackgroundPool.builder()
                .name("storm")
                .n(4)
                .keepResults(0)
                .kind(ProcessKind.builder().retriesOnWorkerDeath(3).build())
                .build()) {
            AtomicInteger answered = new AtomicInteger();
            AtomicLong lastPid = new AtomicLong(-1);
            Semaphore due = new Semaphore(0);
            AtomicInteger kills = new AtomicInteger();
            Thread killer = Thread.ofPlatform().name("kill-storm").start(() -> {
                try {
                    while (true) {
                        due.acquire();
                        ProcessHandle.of(lastPid.get()).ifPresent(p -> {
                            if (p.destroyForcibly()) { // SIGKILL
                                kills.incrementAndGet();
                            }
                        });
                    }
                } catch (InterruptedException e) {
                    // the storm is over
                }
            });
            List<Task<Long>> tasks;
            try {
                tasks = submit(pool, dir.toString(), done -> {
                    if (done.exception() == null) {
                        lastPid.set(done.result() / RANGE);
                    }
                    if (answered.incrementAndGet() % KILL_EVERY == 0) {
                        due.release();
                    }
                });
            } finally {
                killer.interrupt();
                killer.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (int i = 0; i < TASKS; i++) {
                assertThat(tasks.get(i).result() % RANGE).as("task %d", i).isEqualTo(2L * i);
            }
            assertThat(kills.get()).as("workers killed by the storm").isPositive();
        }
    }

    @Test
    void withoutRetriesOnlyTheTasksRunningWhenTheirWorkerWasKilledFail() {
        try (var pool = BackgroundPool.builder()
                .name("storm0")
                .n(4)
                .keepResults(0)
                .kind(ProcessKind.processes())
                .build()) {
            List<Task<Long>> tasks = submit(pool, dir.toString(), done -> {});
            for (int i = 0; i < TASKS; i++) {
                Task<Long> t = tasks.get(i);
                if (victim(i)) {
                    assertThat(t.exception())
                            .as("task %d", i)
                            .isInstanceOf(WorkerDiedException.class)
                            .hasMessageContaining("killed by signal 9");
                } else {
                    assertThat(t.exception()).as("task %d", i).isNull();
                    assertThat(t.result() % RANGE).as("task %d", i).isEqualTo(2L * i);
                }
            }
        }
    }
}
