package dev.background.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.cluster.testing.LocalCluster;
import dev.background.process.ProcessKind;
import dev.background.slf4j.lines.LineCapture;
import dev.background.testkit.PoolsPerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The MDC set on the submitting thread appears in the task's log lines (formatted by logback in
 * the JVM that runs the task: this one, a worker process, a cluster member) and in its callback;
 * no other request's id ever appears, with many threads submitting at once.
 */
class MdcOnEveryKindTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final PoolsPerKind pools = new PoolsPerKind("mdc", new MdcPropagator())
            .kind("processes", () -> ProcessKind.builder().build())
            .shared("cluster", () -> LocalCluster.builder().members(1).n(4).start(), LocalCluster::kind);

    @AfterEach
    void clearMdc() { // before the extension closes the test's pools, as it ran before
        MDC.clear();
    }

    /** Logs a line marked with {@code marker} in the JVM that runs the task, and returns it as formatted there. */
    static String logLine(String marker) {
        LoggerFactory.getLogger("task").info("working {}", marker);
        return LineCapture.lineWith(marker);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual", "processes", "cluster"})
    void theSubmittersMdcIsInTheTasksLogLineAndItsCallback(String kind) throws Exception {
        BackgroundPool pool = pools.pool(kind);
        String marker = UUID.randomUUID().toString();
        MDC.put("requestId", "r-42");
        Task<String> t = pool.run(MdcOnEveryKindTest::logLine, marker);
        MDC.put("requestId", "r-43"); // this thread moves on to the next request
        var callbackSaw = new CompletableFuture<String>();
        t.onDone(done -> callbackSaw.complete(String.valueOf(MDC.get("requestId"))));

        assertThat(t.result(PATIENCE)).isEqualTo("requestId=r-42 task working " + marker);
        assertThat(callbackSaw.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("r-42");

        MDC.clear();
        String next = UUID.randomUUID().toString();
        assertThat(pool.run(MdcOnEveryKindTest::logLine, next).result(PATIENCE))
                .as("a task submitted without an MDC logs none, whatever ran before it")
                .isEqualTo("requestId= task working " + next);
    }

    @ParameterizedTest
    @ValueSource(strings = {"threads", "virtual", "processes", "cluster"})
    void manyRequestsAtOnceEachLogOnlyTheirOwnId(String kind) throws Exception {
        BackgroundPool pool = pools.pool(kind);
        int submitters = 6, each = kind.equals("threads") || kind.equals("virtual") ? 40 : 8;
        var wrong = new ConcurrentLinkedQueue<String>();
        var done = new CountDownLatch(submitters * each);
        var go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int submitter = s;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < each; i++) {
                    String id = "r-" + submitter + "-" + i;
                    MDC.put("requestId", id);
                    String marker = UUID.randomUUID().toString();
                    Task<String> t = pool.run(MdcOnEveryKindTest::logLine, marker);
                    t.onDone(task -> {
                        String line = task.result();
                        if (!line.equals("requestId=" + id + " task working " + marker)) {
                            wrong.add(id + " logged: " + line);
                        }
                        if (!id.equals(MDC.get("requestId"))) {
                            wrong.add(id + "'s callback saw " + MDC.get("requestId"));
                        }
                        done.countDown();
                    });
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(wrong).isEmpty();
    }
}
