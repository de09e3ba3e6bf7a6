package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.Task;
import dev.background.cluster.ClusterKind;
import dev.background.cluster.testing.LocalCluster;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short calls sent together go to a member in a few {@link RemoteBatch}es: how they are grouped,
 * and a flood of short tasks on a sealed cluster, each run once with its own result.
 */
class CallsInARowTest {
    @Test
    void callsAreGroupedEvenlyAtMostSoManyInARowAndIntoAtLeastOneGroupPerFreeThread() {
        assertThat(ClusterEngine.rows(10, 4, 2)).containsExactly(4, 3, 3);
        assertThat(ClusterEngine.rows(10, 100, 4))
                .as("one group per free thread at least")
                .containsExactly(3, 3, 2, 2);
        assertThat(ClusterEngine.rows(3, 100, 5))
                .as("no more groups than calls")
                .containsExactly(1, 1, 1);
        assertThat(ClusterEngine.rows(7, 1, 2)).as("long calls: each alone").containsExactly(1, 1, 1, 1, 1, 1, 1);
        assertThat(ClusterEngine.rows(1, 50, 2)).containsExactly(1);
        assertThat(ClusterEngine.rows(0, 50, 2)).isEmpty();
        for (int calls = 1; calls < 300; calls++) {
            int[] rows = ClusterEngine.rows(calls, 16, 5);
            assertThat(java.util.Arrays.stream(rows).sum()).isEqualTo(calls);
            for (int size : rows) {
                assertThat(size).isBetween(1, 16);
            }
        }
    }

    @Test
    void aFloodOfShortTasksOnASealedClusterGoesInRowsAndEachTaskRunsOnce(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "the secret of the calls-in-a-row flood\n");
        try (LocalCluster cluster =
                LocalCluster.builder().members(1).n(4).secretFile(secret).start()) {
            Capturing kind =
                    new Capturing(cluster.kindBuilder().secretFile(secret).build());
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("rows").kind(kind).n(4).build()) {
                int count = 20_000;
                List<Task<Integer>> tasks = flood(pool, count);

                Set<Integer> results = new HashSet<>();
                for (Task<Integer> t : tasks) {
                    results.add(t.result(Duration.ofMinutes(2)));
                }
                assertThat(results).hasSize(count);
                assertThat(kind.engine.batchesSent()).as("calls sent in rows").isPositive();
            }
        }
    }

    @Test
    void aCallbackThatWaitsForAnotherTaskOfItsRowDoesNotStopThatTasksCompletion() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start()) {
            Capturing kind = new Capturing(cluster.kindBuilder().build());
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("chained").kind(kind).n(2).build()) {
                // In pairs: the first task's callback waits for the second, submitted just after
                // it, so that both usually go in the same row, answered in the same message. (Not
                // on this thread: the first may have ended before its callback was added.)
                Thread submitter = Thread.currentThread();
                AtomicBoolean stuck = new AtomicBoolean();
                int pairs = 2_000;
                List<CompletableFuture<Void>> firsts = new ArrayList<>(pairs);
                List<Task<String>> rowsOfFirsts = new ArrayList<>(pairs);
                List<Task<String>> rowsOfSeconds = new ArrayList<>(pairs);
                for (int i = 0; i < pairs; i++) {
                    CompletableFuture<Void> second = new CompletableFuture<>();
                    CompletableFuture<Void> first = new CompletableFuture<>();
                    Task<String> a = pool.task(() -> String.valueOf(RemoteBatch.currentRow()))
                            .call()
                            .onDone(t -> {
                                if (Thread.currentThread() != submitter && !stuck.get()) {
                                    try { // blocks the thread that completed the first task
                                        second.get(10, TimeUnit.SECONDS);
                                    } catch (TimeoutException | InterruptedException | ExecutionException e) {
                                        stuck.set(true); // the others then stop waiting, so that the test ends
                                    }
                                }
                                first.complete(null);
                            });
                    Task<String> b = pool.task(() -> String.valueOf(RemoteBatch.currentRow()))
                            .call()
                            .onDone(t -> second.complete(null));
                    firsts.add(first);
                    rowsOfFirsts.add(a);
                    rowsOfSeconds.add(b);
                }

                CompletableFuture.allOf(firsts.toArray(CompletableFuture[]::new))
                        .get(2, TimeUnit.MINUTES);
                assertThat(stuck)
                        .as("a callback waited 10 s for a task answered with it")
                        .isFalse();
                long shared = 0;
                for (int i = 0; i < pairs; i++) {
                    String row = rowsOfFirsts.get(i).result();
                    if (!row.equals("null") && row.equals(rowsOfSeconds.get(i).result())) {
                        shared++;
                    }
                }
                assertThat(shared)
                        .as("pairs that shared a row, so that the case was met")
                        .isPositive();
                assertThat(kind.engine.batchesSent()).as("calls sent in rows").isPositive();
            }
        }
    }

    @Test
    void aMemberKilledWhileItHoldsRowsLosesNoTask() {
        try (LocalCluster cluster = LocalCluster.builder().members(2).n(2).start()) {
            Capturing kind = new Capturing(cluster.kindBuilder().build());
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("rows-lost").kind(kind).n(2).build()) {
                int count = 20_000;
                List<Task<Integer>> tasks = flood(pool, count);
                awaitDone(tasks, 2_000);
                long batchesBefore = kind.engine.batchesSent();

                cluster.kill(1);

                Set<Integer> results = new HashSet<>();
                for (Task<Integer> t : tasks) {
                    results.add(t.result(Duration.ofMinutes(2)));
                }
                assertThat(results).as("every task's own result").hasSize(count);
                assertThat(batchesBefore)
                        .as("calls sent in rows before the kill")
                        .isPositive();
            }
        }
    }

    @Test
    void shutdownNowDuringAFloodInRowsSettlesEveryTaskAndTerminates() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start()) {
            Capturing kind = new Capturing(cluster.kindBuilder().build());
            BackgroundPool pool =
                    BackgroundPool.builder().name("rows-now").kind(kind).n(2).build();
            int count = 20_000;
            List<Task<Integer>> tasks = flood(pool, count);
            awaitDone(tasks, 2_000);

            pool.shutdownNow();

            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES))
                    .as("terminated")
                    .isTrue();
            assertThat(tasks).allMatch(Task::isDone);
            assertThat(kind.engine.batchesSent()).as("calls sent in rows").isPositive();
        }
    }

    @Test
    void cancelInterruptsATaskInARowOnItsMemberAndTheRestOfItsRowRuns(@TempDir Path dir) throws IOException {
        try (LocalCluster cluster = LocalCluster.builder().members(1).n(2).start()) {
            Capturing kind = new Capturing(cluster.kindBuilder().build());
            try (BackgroundPool pool =
                    BackgroundPool.builder().name("rows-cancel").kind(kind).n(2).build()) {
                List<Task<Integer>> quick = new ArrayList<>();
                List<Task<String>> blockers = new ArrayList<>();
                for (int i = 0; i < 4_000; i++) {
                    int index = i;
                    quick.add(pool.task(() -> index).call());
                    if (i >= 2_000 && i % 100 == 0) { // among short tasks, so that it goes in a row
                        String began = dir.resolve("began-" + i).toString();
                        String interrupted = dir.resolve("interrupted-" + i).toString();
                        blockers.add(pool.task(() -> blockUntilInterrupted(began, interrupted))
                                .call());
                    }
                }
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> began(dir, "began-").stream().anyMatch(row -> !row.equals("null")));

                blockers.forEach(b -> b.cancel(true));

                for (Task<Integer> t : quick) {
                    assertThat(t.result(Duration.ofMinutes(2))).isNotNull();
                }
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(began(dir, "interrupted-"))
                                .as("each blocker that began was interrupted")
                                .hasSameSizeAs(began(dir, "began-")));
                assertThat(began(dir, "began-"))
                        .as("blockers that began in a row")
                        .anyMatch(r -> !r.equals("null"));
            }
        }
    }

    /** Records the row it runs in, then waits to be interrupted, and records that. */
    private static String blockUntilInterrupted(String began, String interrupted) throws IOException {
        Files.writeString(Path.of(began), String.valueOf(RemoteBatch.currentRow()));
        try {
            Thread.sleep(Duration.ofSeconds(30)); // not interrupted: the test fails, then ends
            return "slept";
        } catch (InterruptedException e) {
            Files.writeString(Path.of(interrupted), "interrupted");
            return "interrupted";
        }
    }

    /** What the files named {@code prefix}... in {@code dir} hold. */
    private static List<String> began(Path dir, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            List<String> contents = new ArrayList<>();
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList()) {
                contents.add(Files.readString(p));
            }
            return contents;
        }
    }

    /** Submits {@code count} tasks that each return their index, as fast as one thread can. */
    private static List<Task<Integer>> flood(BackgroundPool pool, int count) {
        List<Task<Integer>> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            tasks.add(pool.task(() -> index).call());
        }
        return tasks;
    }

    /** Waits until at least {@code done} of {@code tasks} have ended: the flood is under way. */
    private static void awaitDone(List<? extends Task<?>> tasks, int done) {
        await().atMost(Duration.ofMinutes(1))
                .until(() -> tasks.stream().filter(Task::isDone).count() >= done);
    }

    /** The cluster kind, keeping the engine it opens. */
    private static final class Capturing implements ExecutorKind {
        private final ClusterKind kind;
        private volatile ClusterEngine engine;

        Capturing(ClusterKind kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return kind.name();
        }

        @Override
        public int defaultN() {
            return kind.defaultN();
        }

        @Override
        public Engine open(String poolName, int n) {
            return open(poolName, n, EngineEvents.NONE);
        }

        @Override
        public Engine open(String poolName, int n, EngineEvents events) {
            engine = (ClusterEngine) kind.open(poolName, n, events);
            return engine;
        }

        @Override
        public boolean recordsSubmitSite() {
            return kind.recordsSubmitSite();
        }
    }
}
