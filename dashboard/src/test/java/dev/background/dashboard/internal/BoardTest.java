package dev.background.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.dashboard.chrome.JsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The board's numbers and bounds, driven event by event on a clock the test turns. */
class BoardTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final Board board = new Board(clock::get);
    private static final List<Board.PoolState> POOLS = List.of(new Board.PoolState("p", "threads", 2, 0, false));

    private Map<String, Object> tick() {
        return JsonReader.object(board.tick(POOLS));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> message, String... path) {
        Object o = message;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (List<Map<String, Object>>) o;
    }

    private void run(String function, String worker, Future.State state, long runNanos, Throwable failure) {
        long t = clock.get();
        board.submitted("p", function);
        board.started("p", function, worker, t);
        board.runEnded("p", function, worker);
        board.ended("p", function, worker, state, t, t, t + runNanos, failure);
    }

    @Test
    void countsEachFunctionsTasksByState() {
        for (int i = 0; i < 5; i++) {
            board.submitted("p", "f");
        }
        board.started("p", "f", "w1", clock.get());
        board.started("p", "f", "w2", clock.get());
        board.started("p", "f", "w1", clock.get());
        long t = clock.get();
        board.runEnded("p", "f", "w1");
        board.ended("p", "f", "w1", Future.State.SUCCESS, t, t, t + 10, null);
        board.runEnded("p", "f", "w2");
        board.ended("p", "f", "w2", Future.State.FAILED, t, t, t + 10, new IllegalStateException("x"));
        board.ended("p", "f", null, Future.State.CANCELLED, t, t, t + 10, null);

        Map<String, Object> f = list(tick(), "state", "functions").get(0);
        assertThat(f)
                .containsEntry("pool", "p")
                .containsEntry("name", "f")
                .containsEntry("submitted", 5.0)
                .containsEntry("queued", 1.0)
                .containsEntry("running", 1.0)
                .containsEntry("done", 1.0)
                .containsEntry("failed", 1.0)
                .containsEntry("cancelled", 1.0);
        List<Map<String, Object>> workers = list(tick(), "state", "workers");
        assertThat(workers).extracting(w -> w.get("name")).containsExactly("w1", "w2");
        assertThat(workers.get(0)).containsEntry("running", 1.0).containsEntry("done", 1.0);
        assertThat(workers.get(1)).containsEntry("running", 0.0).containsEntry("failed", 1.0);
    }

    /**
     * Regression guard: the board counted a task running from each run's start to the task's
     * end, so a periodic task that ran three times showed two running once it had ended.
     */
    @Test
    void aPeriodicTaskThatRanThreeTimesShowsNothingRunningOnceEnded() throws Exception {
        CountDownLatch endSeen = new CountDownLatch(1);
        PoolListener ends = new PoolListener() {
            @Override
            public void taskEnded(BackgroundPool pool, Task<?> task) {
                endSeen.countDown();
            }
        };
        try (BackgroundPool pool = BackgroundPool.builder()
                .name("p")
                .n(2)
                .listener(new Watcher(board, opened -> {}))
                .listener(ends)
                .build()) {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> periodic = pool.scheduleAtFixedRate(
                    () -> {
                        if (runs.incrementAndGet() == 3) {
                            throw new IllegalStateException("stops after its third run");
                        }
                    },
                    0,
                    1,
                    TimeUnit.MILLISECONDS);
            assertThat(endSeen.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(periodic.isDone()).isTrue();
        }
        Map<String, Object> f = list(tick(), "state", "functions").get(0);
        assertThat(f)
                .containsEntry("submitted", 1.0)
                .containsEntry("queued", 0.0)
                .containsEntry("running", 0.0)
                .containsEntry("failed", 1.0);
        assertThat(list(tick(), "state", "workers"))
                .allSatisfy(w -> assertThat(w).containsEntry("running", 0.0));
    }

    @Test
    void throughputIsTheTasksEndedOverTheTicksSpan() {
        tick();
        for (int i = 0; i < 1000; i++) {
            run("f", "w", i % 4 == 0 ? Future.State.FAILED : Future.State.SUCCESS, 2_000_000, null);
        }
        clock.addAndGet(500_000_000L);
        Map<String, Object> point = list(tick(), "series").get(0);
        assertThat(point).containsEntry("done", 2000.0).containsEntry("failed", 500.0);
        // 2 ms runs: the bucket's middle is within its 19 % width.
        assertThat((Double) point.get("run50")).isBetween(1.8, 2.2);
        clock.addAndGet(500_000_000L);
        assertThat(list(tick(), "series").get(0)).containsEntry("done", 0.0).containsEntry("run50", 0.0);
    }

    @Test
    void keepsAtMostItsCapOfFunctionsAndCountsTheRestTogether() {
        for (int i = 0; i < 1000; i++) {
            run("f" + i, "w", Future.State.SUCCESS, 1, null);
        }
        List<Map<String, Object>> functions = list(tick(), "state", "functions");
        assertThat(functions).hasSize(Board.MAX_FUNCTIONS + 1);
        assertThat(functions.stream().mapToDouble(f -> (Double) f.get("done")).sum())
                .isEqualTo(1000.0);
        assertThat(functions)
                .anySatisfy(f -> assertThat(f)
                        .containsEntry("name", Board.OTHER_FUNCTIONS)
                        .containsEntry("done", 1000.0 - Board.MAX_FUNCTIONS));
    }

    @Test
    void keepsAtMostItsCapOfWorkersAndForgetsIdleOnes() {
        for (int i = 0; i < 1000; i++) {
            run("f", "w" + i, Future.State.SUCCESS, 1, null);
        }
        assertThat(list(tick(), "state", "workers")).hasSize(Board.MAX_WORKERS + 1);
        clock.addAndGet(Board.IDLE_WORKER_NANOS + 1_000);
        tick();
        board.started("p", "f", "busy", clock.get());
        assertThat(list(tick(), "state", "workers"))
                .extracting(w -> w.get("name"))
                .containsExactly("busy");
    }

    @Test
    void samplesTheTaskStreamAndKeepsItBounded() {
        int perTick = 50_000;
        for (int tick = 0; tick < 5; tick++) {
            for (int i = 0; i < perTick; i++) {
                run("f", "w" + (i % 8), Future.State.SUCCESS, 1_000, null);
            }
            clock.addAndGet(250_000_000L);
            assertThat(list(tick(), "bars")).hasSizeLessThanOrEqualTo(Board.BARS_PER_TICK);
        }
        for (int tick = 0; tick < 30; tick++) {
            run("f", "w", Future.State.SUCCESS, 1_000, null);
            tick();
        }
        Map<String, Object> hello = JsonReader.object(board.hello());
        assertThat(list(hello, "bars")).hasSizeLessThanOrEqualTo(Board.BARS_KEPT);
        assertThat(list(hello, "series")).hasSize(35);
    }

    @Test
    void samplesEveryTaskWhenFewEnd() {
        for (int i = 0; i < 10; i++) {
            run("f", "w", Future.State.SUCCESS, 1_000, null);
        }
        assertThat(list(tick(), "bars")).hasSize(10);
    }

    @Test
    void keepsTheLastFailuresWithTheirStackTracesCut() {
        RuntimeException deep = new RuntimeException("deep");
        StackTraceElement[] frames = new StackTraceElement[2000];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new StackTraceElement("C", "m" + i, "C.java", i);
        }
        deep.setStackTrace(frames);
        for (int i = 0; i < 100; i++) {
            run("f", "w", Future.State.FAILED, 1, i == 0 ? deep : new IllegalStateException("failure " + i));
        }
        List<Map<String, Object>> failures = list(tick(), "failures");
        assertThat(failures).hasSize(Board.FAILURES_PER_TICK);
        String trace = (String) failures.get(0).get("trace");
        assertThat(trace).startsWith("java.lang.RuntimeException: deep").endsWith("... (cut)");
        assertThat(trace.length()).isLessThan(Board.TRACE_CHARS + 20);
        for (int i = 0; i < 5; i++) {
            run("f", "w", Future.State.FAILED, 1, new IllegalStateException("later " + i));
            tick();
        }
        List<Map<String, Object>> kept = list(JsonReader.object(board.hello()), "failures");
        assertThat(kept).hasSize(Board.FAILURES_KEPT);
        assertThat((String) kept.get(kept.size() - 1).get("trace")).contains("later 4");
    }

    @Test
    void helloHoldsTheLastStateAndEverythingKept() {
        run("f", "w", Future.State.SUCCESS, 1, null);
        board.poolEvent("p", null, true, "n = 3");
        tick();
        Map<String, Object> hello = JsonReader.object(board.hello());
        assertThat(hello).containsEntry("type", "hello");
        assertThat(list(hello, "state", "functions")).hasSize(1);
        assertThat(list(hello, "state", "pools").get(0))
                .containsEntry("name", "p")
                .containsEntry("n", 2.0);
        assertThat(list(hello, "events").get(0)).containsEntry("text", "n = 3");
        assertThat(list(hello, "bars")).hasSize(1);
    }

    @Test
    void aWorkerThatDiedShowsDown() {
        board.poolEvent("p", "worker 1 (pid 7)", false, "worker died");
        assertThat(list(tick(), "state", "workers").get(0))
                .containsEntry("name", "worker 1 (pid 7)")
                .containsEntry("up", false);
    }

    @Test
    void neverShowsNegativeOrLostCountsWhileManyThreadsReport() throws InterruptedException {
        int threads = 4;
        int perThread = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String worker = "w" + t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long now = System.nanoTime();
                    board.submitted("p", "f");
                    board.started("p", "f", worker, now);
                    board.runEnded("p", "f", worker);
                    board.ended("p", "f", worker, Future.State.SUCCESS, now, now, now + 1, null);
                }
            }));
        }
        AtomicBoolean negative = new AtomicBoolean();
        go.countDown();
        while (workers.stream().anyMatch(Thread::isAlive)) {
            for (Map<String, Object> f : list(tick(), "state", "functions")) {
                for (String count : List.of("queued", "running", "done")) {
                    if ((Double) f.get(count) < 0) {
                        negative.set(true);
                    }
                }
                double submitted = (Double) f.get("submitted");
                double sum = (Double) f.get("queued") + (Double) f.get("running") + (Double) f.get("done");
                // Submitted is read last, so it may be ahead of the rest, never behind.
                assertThat(sum).isLessThanOrEqualTo(submitted);
            }
        }
        for (Thread t : workers) {
            t.join();
        }
        assertThat(negative).isFalse();
        assertThat(list(tick(), "state", "functions").get(0))
                .containsEntry("done", (double) threads * perThread)
                .containsEntry("queued", 0.0)
                .containsEntry("running", 0.0);
    }
}
