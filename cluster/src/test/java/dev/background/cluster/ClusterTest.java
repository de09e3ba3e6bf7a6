package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.background.BackgroundPool;
import dev.background.RemoteTaskException;
import dev.background.Task;
import dev.background.TaskException;
import dev.background.TaskTransferException;
import dev.background.cluster.testing.LocalCluster;
import dev.background.function.CheckedCallable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.example.outside.Outside;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The cluster kind against three real worker JVMs on 127.0.0.1, shared by these tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {

    private LocalCluster cluster;
    private BackgroundPool pool;

    @BeforeAll
    void startCluster() {
        cluster = LocalCluster.builder().members(3).n(4).start();
        pool = BackgroundPool.builder()
                .name("cluster-test")
                .kind(cluster.kind())
                .n(4)
                .build();
    }

    @AfterAll
    void stopCluster() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void tenThousandTasksOverThreeMembersAllComeBackRight() {
        long self = ProcessHandle.current().pid();
        var square = pool.task(
                (Integer i) -> List.of((long) i * i, ProcessHandle.current().pid()));
        List<Task<List<Long>>> tasks =
                IntStream.range(0, 10_000).mapToObj(square::apply).toList();

        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            List<Long> r = tasks.get(i).result(Duration.ofMinutes(2));
            assertThat(r.get(0)).as("square of %d", i).isEqualTo((long) i * i);
            pids.add(r.get(1));
        }
        assertThat(pids).as("tasks ran on every member, none here").hasSize(3).doesNotContain(self);
        assertThat(pids).containsExactlyInAnyOrder(cluster.pid(0), cluster.pid(1), cluster.pid(2));
    }

    /**
     * Regression: the futures of Hazelcast's {@code IExecutorService} complete through Hazelcast's
     * default asynchronous executor, which starts a platform thread per call when the JDK's
     * common pool has one thread (2-core machines; the build runs these tests so). That cost the
     * client more than everything else per task.
     */
    @Test
    void aFloodOfTasksStartsNoPlatformThreadPerTask() {
        assertThat(ForkJoinPool.getCommonPoolParallelism())
                .as("the condition this guards")
                .isEqualTo(1);
        var noOp = pool.task(() -> null);
        noOp.call().result(Duration.ofSeconds(30)); // proxies and connections exist before counting
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        List<Task<Object>> tasks =
                IntStream.range(0, 2_000).mapToObj(i -> noOp.call()).toList();
        for (Task<Object> t : tasks) {
            assertThat(t.result(Duration.ofSeconds(60))).isNull();
        }

        assertThat(threads.getTotalStartedThreadCount() - before)
                .as("platform threads started for 2,000 tasks")
                .isLessThan(100);
    }

    /**
     * Regression: after a flood of tiny tasks the pool sends many ahead to each member; a call with
     * a time limit must not be among them, or its time runs out while it waits in the member's
     * queue. Four waves of 12 timed sleepers on 12 worker threads: sent ahead, the fourth wave would
     * end 1.2 s after it was sent, past its 1 s limit; sent to free threads only, each runs in 0.3 s.
     */
    @Test
    void aTimedTaskIsNotSentAheadOfAFreeThreadEvenAfterAFloodOfTinyTasks() {
        try (BackgroundPool fresh = BackgroundPool.builder()
                .name("cluster-timed")
                .kind(cluster.kind())
                .n(4)
                .build()) {
            var noOp = fresh.task(() -> null);
            List<Task<Object>> flood =
                    IntStream.range(0, 2_000).mapToObj(i -> noOp.call()).toList();
            flood.forEach(t -> t.result(Duration.ofSeconds(60))); // the pool now sends tiny tasks far ahead

            var sleeper = fresh.task((Integer ms) -> {
                        Thread.sleep(ms);
                        return ms;
                    })
                    .timeout(Duration.ofSeconds(1));
            List<Task<Integer>> timed =
                    IntStream.range(0, 48).mapToObj(i -> sleeper.apply(300)).toList();

            for (Task<Integer> t : timed) {
                assertThat(t.result(Duration.ofSeconds(30))).isEqualTo(300);
            }
        }
    }

    /**
     * Regression: answers are settled by a few draining threads; a callback that waits for
     * another task's result held its drainer while that task's answer queued behind it, for ever.
     */
    @Test
    void aCallbackWaitingForAnotherTasksResultDoesNotHangThePool() throws Exception {
        BackgroundPool own = BackgroundPool.builder()
                .name("cluster-callback-waits")
                .kind(cluster.kind())
                .n(4)
                .build();
        try {
            Task<Integer> slow = own.task(() -> {
                        Thread.sleep(300);
                        return 2;
                    })
                    .call();
            CompletableFuture<Integer> sum = new CompletableFuture<>();
            own.task(() -> 1).call().onDone(quick -> sum.complete(quick.resultNow() + slow.result()));

            assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        } finally {
            own.shutdownNow(); // on failure, cancelling the slow task frees the waiting callback
            own.close();
        }
    }

    @Test
    void aTasksExceptionArrivesWithItsRemoteStackAndTheSubmitSite() {
        Task<Object> t = pool.task((CheckedCallable<Object>) () -> {
                    throw new IllegalStateException("boom on a member");
                })
                .call();

        Throwable e = t.exception(Duration.ofSeconds(30));
        assertThat(e)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("boom on a member")
                .hasNoSuppressedExceptions();
        List<String> frames = frames(e);
        int separator = separator(frames);
        assertThat(frames.subList(0, separator)).as("the remote frames").anyMatch(f -> f.contains("RemoteCall.call"));
        assertThat(frames.get(separator))
                .as("names the member it ran on")
                .matches("------ submitted from ------\\.\\(ran on member 127\\.0\\.0\\.1:\\d+\\)");
        assertThat(frames.get(separator + 1)).contains("aTasksExceptionArrivesWithItsRemoteStackAndTheSubmitSite");
    }

    static final class Unsendable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("unused")
        private final transient Object fine = null;

        @SuppressWarnings({"unused", "serial"}) // never read: there to make the exception unserialisable
        private final Thread notSerialisable = new Thread();

        Unsendable(String message) {
            super(message, new ArithmeticException("root"));
        }
    }

    @Test
    void anExceptionThatCannotComeBackArrivesAsRemoteTaskExceptionWithTheSubmitSite() {
        Throwable e = pool.task((CheckedCallable<Object>) () -> {
                    throw new Unsendable("stuck on the member");
                })
                .call()
                .exception(Duration.ofSeconds(30));

        assertThat(e).isInstanceOfSatisfying(RemoteTaskException.class, r -> {
            assertThat(r.remoteClassName()).isEqualTo(Unsendable.class.getName());
            assertThat(r).hasMessage(Unsendable.class.getName() + ": stuck on the member");
            assertThat(r.getCause())
                    .isInstanceOf(RemoteTaskException.class)
                    .hasMessage("java.lang.ArithmeticException: root");
        });
        List<String> frames = frames(e);
        assertThat(frames.get(separator(frames) + 1))
                .contains("anExceptionThatCannotComeBackArrivesAsRemoteTaskExceptionWithTheSubmitSite");
    }

    private static List<String> frames(Throwable t) {
        return java.util.Arrays.stream(t.getStackTrace())
                .map(StackTraceElement::toString)
                .toList();
    }

    private static int separator(List<String> frames) {
        List<String> separators = frames.stream()
                .filter(f -> f.startsWith("------ submitted from ------"))
                .toList();
        assertThat(separators).as("separator frames in %s", frames).hasSize(1);
        return frames.indexOf(separators.get(0));
    }

    @Test
    void aCheckedExceptionIsWrappedOnceByResult() {
        Task<Object> t = pool.task((CheckedCallable<Object>) () -> {
                    throw new IOException("disk gone");
                })
                .call();

        assertThatThrownBy(t::result)
                .isInstanceOf(TaskException.class)
                .cause()
                .isInstanceOf(IOException.class)
                .hasMessage("disk gone");
    }

    @Test
    void aNonSerialisableCaptureFailsAtSubmitNamingTheClass() {
        Object notSerialisable = new Thread();
        Task<String> t = pool.task(() -> notSerialisable.toString()).call();

        assertThat(t.isDone()).as("failed at submit, without a round trip").isTrue();
        assertThat(t.exceptionNow())
                .isInstanceOf(TaskTransferException.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("Serializable");
    }

    @Test
    void aClassMissingOnTheMembersFailsAtOnceNamingTheClass(@TempDir Path dir) throws Exception {
        Path classes = RuntimeClasses.compile(dir, "dev.background.cluster.gen.Missing", """
                package dev.background.cluster.gen;
                public class Missing implements dev.background.function.CheckedCallable<String> {
                    public String call() { return "ran"; }
                }
                """);
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            @SuppressWarnings("unchecked")
            CheckedCallable<String> missing =
                    (CheckedCallable<String>) loader.loadClass("dev.background.cluster.gen.Missing")
                            .getConstructor()
                            .newInstance();
            assertThat(missing.call()).as("runs here").isEqualTo("ran");

            Throwable e = pool.task(missing).call().exception(Duration.ofSeconds(30));

            assertThat(e)
                    .isInstanceOf(TaskTransferException.class)
                    .hasMessageContaining("dev.background.cluster.gen.Missing")
                    .hasMessageContaining("--class-path");
        }
    }

    @Test
    void aClassOutsideTheMembersAllowlistIsRefused() {
        Throwable e = pool.task(new Outside()).call().exception(Duration.ofSeconds(30));

        assertThat(e)
                .isInstanceOf(TaskTransferException.class)
                .hasMessageContaining("allowlist")
                .hasMessageContaining("--allow");
    }

    @Test
    void aResultThatCannotBeSentBackFailsNamingItsClass() {
        Throwable e = pool.task(() -> new Object()).call().exception(Duration.ofSeconds(30));

        assertThat(e).isInstanceOf(TaskTransferException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void cancelInterruptsTheTaskOnTheMember(@TempDir Path dir) {
        String marker = dir.resolve("interrupted").toString();
        String started = dir.resolve("started").toString();
        Task<String> t =
                pool.task(() -> sleepRecordingInterrupt(started, marker)).call();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(started)));

        assertThat(t.cancel(true)).isTrue();

        assertThatThrownBy(t::result).isInstanceOf(CancellationException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(marker)));
    }

    @Test
    void aTimeLimitInterruptsTheTaskOnTheMember(@TempDir Path dir) {
        String marker = dir.resolve("interrupted").toString();
        String started = dir.resolve("started").toString();
        Task<String> t = pool.task(() -> sleepRecordingInterrupt(started, marker))
                .timeout(Duration.ofMillis(500))
                .call();

        assertThat(t.exception(Duration.ofSeconds(30))).isInstanceOf(TimeoutException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(marker)));
    }

    private static String sleepRecordingInterrupt(String started, String marker) throws IOException {
        Files.createFile(Path.of(started));
        try {
            Thread.sleep(60_000);
            return "slept";
        } catch (InterruptedException e) {
            Files.createFile(Path.of(marker));
            return "interrupted";
        }
    }

    @Test
    void aPerFunctionLimitHoldsAcrossMembers() {
        var span = pool.task((Integer i) -> {
                    long start = System.currentTimeMillis();
                    Thread.sleep(50);
                    return new long[] {start, System.currentTimeMillis()};
                })
                .limit(1);
        List<Task<long[]>> tasks = IntStream.range(0, 6).mapToObj(span::apply).toList();

        List<long[]> spans = new ArrayList<>();
        for (Task<long[]> t : tasks) {
            spans.add(t.result(Duration.ofSeconds(60)));
        }
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i)[0])
                    .as("task %d started after the one before ended", i)
                    .isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
        }
    }

    /** Stress: submitters on several threads, cancellations racing with sends and answers. */
    @Test
    void concurrentSubmittersAndCancellationsLeaveEveryFutureSettledOnce() throws Exception {
        try (BackgroundPool own = BackgroundPool.builder()
                .name("stress")
                .kind(cluster.kind())
                .n(3)
                .build()) {
            java.util.Map<Task<?>, Integer> settled = new java.util.concurrent.ConcurrentHashMap<>();
            own.callback(t -> settled.merge(t, 1, Integer::sum));
            var echo = own.task((Integer i) -> i);
            int threads = 4;
            int each = 1_500;
            List<List<Task<Integer>>> perThread = new ArrayList<>();
            List<Thread> submitters = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                List<Task<Integer>> mine = java.util.Collections.synchronizedList(new ArrayList<>());
                perThread.add(mine);
                submitters.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        Task<Integer> t = echo.apply(i);
                        mine.add(t);
                        if (i % 7 == 0) {
                            t.cancel(i % 2 == 0);
                        }
                    }
                }));
            }
            for (Thread t : submitters) {
                t.join();
            }
            for (List<Task<Integer>> mine : perThread) {
                for (int i = 0; i < each; i++) {
                    Task<Integer> t = mine.get(i);
                    if (t.isCancelled()) {
                        assertThat(i % 7)
                                .as("only tasks cancelled by the test are cancelled")
                                .isZero();
                    } else {
                        assertThat(t.result(Duration.ofSeconds(60))).isEqualTo(i);
                    }
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> settled.size() == threads * each);
            assertThat(settled.values()).allMatch(c -> c == 1);
        }
    }

    @Test
    void callbacksAndCompletionOrderWorkAsOnThreads() throws Exception {
        var slow = pool.task((Integer ms) -> {
            Thread.sleep(ms);
            return ms;
        });
        List<Task<Integer>> tasks = List.of(slow.apply(1_500), slow.apply(10));
        List<Integer> order = new ArrayList<>();
        for (Task<Integer> t : dev.background.Tasks.asCompleted(tasks)) {
            order.add(t.result());
        }
        assertThat(order).containsExactly(10, 1_500);
    }
}
