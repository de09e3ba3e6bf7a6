package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.process.internal.WorkerMain;
import dev.background.process.spi.WorkerInitializer;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's initializer hook: installed {@link WorkerInitializer}s run in each worker before it
 * reports ready, and one that fails keeps the worker from taking tasks. The initializer of this
 * test ({@link Marker}, installed through this module's test resources) acts only in workers
 * that ask for it with a system property, so the other tests' workers do not notice it.
 */
class WorkerInitializerTest {

    private static final String MODE = "background.test.initializer";
    private static final String GATE = "background.test.initializer.gate";

    @TempDir
    Path dir;

    /** Writes the file named by the property {@value #MODE}; throws if it is {@code fail}; else nothing. */
    public static final class Marker implements WorkerInitializer {
        private static volatile boolean initialized;

        /** For the service loader. */
        public Marker() {}

        @Override
        public void initialize() throws Exception {
            String mode = System.getProperty(MODE);
            if (mode == null) {
                return;
            }
            if (mode.equals("fail")) {
                throw new IllegalStateException("refused by the test");
            }
            Files.writeString(Path.of(mode), "initialized");
            initialized = true;
        }
    }

    /** Holds a worker until the test releases its lock on the file named by the property {@value #GATE}. */
    public static final class Gate implements WorkerInitializer {
        /** For the service loader. */
        public Gate() {}

        @Override
        public void initialize() throws Exception {
            String gate = System.getProperty(GATE);
            if (gate == null) {
                return;
            }
            try (FileChannel c = FileChannel.open(Path.of(gate), StandardOpenOption.WRITE)) {
                c.lock().release(); // blocks while the test holds it: no polling
            }
        }
    }

    @Test
    void submitsAndCancelsReturnWhileAWorkersInitializerRuns() throws Exception {
        Path gate = Files.createFile(dir.resolve("gate"));
        try (FileChannel c = FileChannel.open(gate, StandardOpenOption.WRITE);
                BackgroundPool pool = BackgroundPool.builder()
                        .kind(ProcessKind.builder()
                                .systemProperty(GATE, gate.toString())
                                .build())
                        .n(1)
                        .build()) {
            FileLock closed = c.lock(); // before the first submit starts the worker
            List<Task<Integer>> tasks = new CopyOnWriteArrayList<>();
            CountDownLatch submitted = new CountDownLatch(1);
            try {
                Thread.ofPlatform().daemon().start(() -> {
                    for (int i = 0; i < 40; i++) { // 320 KiB sent ahead: far more than a pipe holds
                        tasks.add(pool.run((byte[] b) -> b.length, new byte[8192]));
                    }
                    tasks.get(39).cancel(true);
                    submitted.countDown();
                });
                assertThat(submitted.await(60, TimeUnit.SECONDS))
                        .as("40 submits and a cancel returned while the worker's initializer ran")
                        .isTrue();
                assertThat(tasks.subList(0, 39))
                        .as("none ran before the initializer returned")
                        .noneMatch(Task::isDone);
            } finally {
                closed.release(); // a failed test must not leave the pool's close waiting for the worker
            }
            for (int i = 0; i < 39; i++) {
                assertThat(tasks.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(8192);
            }
            assertThat(tasks.get(39).isCancelled()).isTrue();
        }
    }

    @Test
    void initializersHaveRunWhenTheWorkerIsReportedStartedAndBeforeItsFirstTask() throws Exception {
        Path marker = dir.resolve("marker");
        ProcessKind kind = ProcessKind.builder()
                .eager(true)
                .systemProperty(MODE, marker.toString())
                .build();
        CompletableFuture<Boolean> markedWhenStarted = new CompletableFuture<>();
        Engine engine = kind.open("init", 1, new EngineEvents() {
            @Override
            public void workerStarted(String worker) {
                markedWhenStarted.complete(Files.exists(marker));
            }
        });
        try {
            assertThat(markedWhenStarted.get(60, TimeUnit.SECONDS))
                    .as("the initializer's file exists when the worker is reported started")
                    .isTrue();
        } finally {
            engine.shutdownNow();
            engine.awaitTermination(30, TimeUnit.SECONDS);
        }

        try (BackgroundPool pool = BackgroundPool.builder().kind(kind).n(1).build()) {
            assertThat(pool.run(() -> Marker.initialized).result()).isTrue();
        }
    }

    @Test
    void aWorkerWhoseInitializerFailsTakesNoTaskAndSaysWhy() {
        try (BackgroundPool pool = BackgroundPool.builder()
                .kind(ProcessKind.builder().systemProperty(MODE, "fail").build())
                .n(1)
                .build()) {
            var task = pool.run(() -> "ran");
            assertThatThrownBy(() -> task.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("could not start")
                    .hasMessageContaining("exit code " + WorkerMain.EXIT_INITIALIZER_FAILED)
                    .hasMessageContaining(Marker.class.getName() + " failed; exiting before taking tasks")
                    .hasMessageContaining("refused by the test");
        }
    }
}
