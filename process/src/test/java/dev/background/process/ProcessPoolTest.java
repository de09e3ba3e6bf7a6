package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.RemoteTaskException;
import dev.background.Task;
import dev.background.TaskException;
import dev.background.TaskTransferException;
import dev.background.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user API on worker processes: one shared pool of two eager workers. */
class ProcessPoolTest {
    static final String POOL = "ppt";
    static BackgroundPool pool;
    static final ConcurrentLinkedQueue<Task<?>> seenByCallback = new ConcurrentLinkedQueue<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        pool = BackgroundPool.builder()
                .name(POOL)
                .n(2)
                .kind(ProcessKind.builder()
                        .eager(true)
                        .cancelGracePeriod(Duration.ofSeconds(5))
                        .build())
                .callback(seenByCallback::add)
                .build();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    record Point(int x, int y) implements Serializable {}

    static final class Unserializable {
        final int value = 7;
    }

    @Test
    void tasksRunInAnotherJvmWithArgumentsAndResultsSerialised() {
        var move = pool.task((Point p, Integer dx) -> new Point(p.x() + dx, p.y()));
        assertThat(move.apply(new Point(1, 2), 10).result()).isEqualTo(new Point(11, 2));
        long pid = pool.task(() -> ProcessHandle.current().pid()).call().result();
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(pool.task(() -> List.of("a", "b")).call().result()).containsExactly("a", "b");
        assertThat(pool.task(() -> (String) null).call().result()).isNull();
        assertThat(pool.task(() -> 2.5).call().result()).isEqualTo(2.5);
    }

    @Test
    void exceptionReachesCallerWithTypeMessageRemoteTraceAndSubmitSite() {
        Task<Object> t = pool.task(() -> {
                    throw new IllegalStateException("boom in worker");
                })
                .call();
        assertThatThrownBy(t::result).isInstanceOf(IllegalStateException.class).hasMessage("boom in worker");
        List<String> frames = frames(t.exceptionNow());
        int separator = separatorIndex(frames);
        assertThat(frames.get(separator))
                .as("the separator names the worker the frames above ran on")
                .matches("------ submitted from ------\\.\\(ran on worker " + POOL + "-worker-\\d+\\)");
        assertThat(frames.subList(0, separator)).anyMatch(f -> f.contains("lambda$exceptionReachesCaller"));
        assertThat(frames.subList(separator + 1, frames.size()))
                .first()
                .asString()
                .contains("exceptionReachesCallerWithTypeMessageRemoteTraceAndSubmitSite");
    }

    /** The submit site is in the exception's own frames, so it prints also where the exception is a cause. */
    @Test
    void theSubmitSiteOfACheckedExceptionSurvivesAsTheCauseOfResultsWrapper() {
        Task<Object> t = pool.task(() -> {
                    throw new IOException("disk");
                })
                .call();

        Throwable wrapper = org.assertj.core.api.Assertions.catchThrowable(t::result);

        assertThat(wrapper).isInstanceOf(TaskException.class);
        List<String> frames = frames(wrapper.getCause());
        assertThat(frames.subList(separatorIndex(frames) + 1, frames.size()))
                .first()
                .asString()
                .contains("theSubmitSiteOfACheckedExceptionSurvivesAsTheCauseOfResultsWrapper");
        java.io.StringWriter printed = new java.io.StringWriter();
        wrapper.printStackTrace(new java.io.PrintWriter(printed));
        assertThat(printed.toString())
                .contains("Caused by: java.io.IOException: disk")
                .contains("at ------ submitted from ------.(ran on worker ");
    }

    private static List<String> frames(Throwable t) {
        return Arrays.stream(t.getStackTrace()).map(StackTraceElement::toString).toList();
    }

    private static int separatorIndex(List<String> frames) {
        int i = frames.indexOf(frames.stream()
                .filter(f -> f.startsWith("------ submitted from ------"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no separator frame in " + frames)));
        assertThat(frames.stream().filter(f -> f.startsWith("------ submitted from")))
                .as("one separator")
                .hasSize(1);
        return i;
    }

    static final class UnserializableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings({"unused", "serial"}) // never read: there to make the exception unserialisable
        private final Unserializable field = new Unserializable();

        UnserializableException(String m) {
            super(m, new ArithmeticException("root"));
        }
    }

    @Test
    void exceptionThatCannotBeSerialisedArrivesAsRemoteTaskException() {
        Task<Object> t = pool.task(() -> {
                    throw new UnserializableException("cannot travel");
                })
                .call();
        assertThatThrownBy(t::result).isInstanceOfSatisfying(RemoteTaskException.class, e -> {
            assertThat(e.remoteClassName()).isEqualTo(UnserializableException.class.getName());
            assertThat(e.getMessage()).isEqualTo(UnserializableException.class.getName() + ": cannot travel");
            assertThat(e.getCause())
                    .isInstanceOf(RemoteTaskException.class)
                    .hasMessage("java.lang.ArithmeticException: root");
            List<String> frames = frames(e);
            int separator = separatorIndex(frames);
            assertThat(frames.subList(0, separator))
                    .as("the remote frames")
                    .anyMatch(f -> f.contains("lambda$exceptionThatCannotBe"));
            assertThat(frames.get(separator + 1))
                    .contains("exceptionThatCannotBeSerialisedArrivesAsRemoteTaskException");
        });
    }

    @Test
    void nonSerialisableCaptureFailsAtOnceNamingTheClass() {
        Unserializable captured = new Unserializable();
        Task<Integer> t = pool.task(() -> captured.value).call();
        assertThat(t.isDone()).as("failed on the submitting thread").isTrue();
        assertThatThrownBy(t::result)
                .isInstanceOf(TaskTransferException.class)
                .hasMessageContaining(Unserializable.class.getName())
                .hasMessageContaining("implement java.io.Serializable");
    }

    @Test
    void resultThatCannotComeBackFailsClearlyAndTheWorkerLivesOn() {
        Task<Object> t = pool.task(() -> (Object) new Unserializable()).call();
        assertThatThrownBy(t::result)
                .isInstanceOf(TaskTransferException.class)
                .hasMessageContaining("result, of class " + Unserializable.class.getName());
        assertThat(pool.task(() -> 1).call().result()).isEqualTo(1);
    }

    @Test
    void hundredMegabyteResult() {
        int size = 100 * 1024 * 1024;
        byte[] big = pool.task((Integer n) -> {
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = (byte) (i * 31);
                    }
                    return b;
                })
                .apply(size)
                .result();
        assertThat(big).hasSize(size);
        for (int i = 0; i < size; i += 4099) {
            assertThat(big[i]).isEqualTo((byte) (i * 31));
        }
    }

    @Test
    void tenThousandTasksAcrossTwoWorkersEveryResultRight() {
        var square = pool.task((Integer x) -> (long) x * x + 1);
        List<Long> results =
                square.map(IntStream.range(0, 10_000).boxed().toList()).toList();
        assertThat(results).hasSize(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(results.get(i)).isEqualTo((long) i * i + 1);
        }
        List<Task<Long>> tasks = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            tasks.add(square.apply(i));
        }
        long sum = 0;
        for (Task<Long> t : Tasks.asCompleted(tasks, Duration.ofMinutes(1))) {
            sum += t.result();
        }
        assertThat(sum)
                .isEqualTo(IntStream.range(0, 2_000)
                        .mapToLong(i -> (long) i * i + 1)
                        .sum());
    }

    @Test
    void callbacksSeeRemoteTasks() {
        Task<String> t = pool.task(() -> "called back").named("cb-task").call();
        t.result();
        await().atMost(Duration.ofSeconds(10)).until(() -> seenByCallback.contains(t));
    }

    @Test
    void workerOutputReachesOurStreamsPrefixedWithWorkerId() {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            pool.task(() -> {
                        System.out.println("line one from task");
                        System.out.print("two");
                        System.out.println(" parts");
                        System.err.println("warning from task");
                        return null;
                    })
                    .call()
                    .result();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> err.toString(StandardCharsets.UTF_8).contains("warning from task"));
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .containsPattern("\\[" + POOL + "-worker-\\d+] line one from task")
                    .containsPattern("\\[" + POOL + "-worker-\\d+] two parts");
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .containsPattern("\\[" + POOL + "-worker-\\d+] warning from task");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void timeLimitInterruptsTheTaskInsideItsWorker() {
        Task<String> t = pool.task(() -> {
                    Thread.sleep(60_000);
                    return "never";
                })
                .timeout(Duration.ofMillis(300))
                .call();
        assertThat(t.exception()).isInstanceOf(TimeoutException.class);
        assertThat(pool.task(() -> "still working").call().result()).isEqualTo("still working");
    }

    @Test
    void cancelInterruptsABusyLoopInsideTheWorker() throws IOException {
        String started = Markers.newPath(dir, "started");
        String stopped = Markers.newPath(dir, "stopped");
        Task<Object> t = pool.task(() -> {
                    Markers.writePid(started);
                    long spins = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        spins++;
                    }
                    Files.writeString(Path.of(stopped), "after " + spins);
                    return null;
                })
                .call();
        long pid = Markers.awaitPid(started);
        assertThat(t.cancel(true)).isTrue();
        assertThatThrownBy(t::result).isInstanceOf(CancellationException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(Path.of(stopped)));
        assertThat(Markers.isAlive(pid))
                .as("an interruptible task does not cost its worker")
                .isTrue();
    }

    @Test
    void perFunctionLimitHoldsAcrossWorkers() {
        var f = pool.task((Integer x) -> x + 1).limit(1);
        List<Task<Integer>> ts = IntStream.range(0, 50).mapToObj(f::apply).toList();
        assertThat(ts.stream().mapToInt(Task::result).sum())
                .isEqualTo(IntStream.range(1, 51).sum());
    }
}
