package dev.background.testkit;

import static dev.background.testkit.RequestPropagator.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.function.CheckedCallable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What context propagation owes users on every kind, written once and run against each (as
 * {@link PoolContract} is): a task sees the context its submitter had at submit time, and nothing
 * of any other request, on a warm pool too; callbacks see the task's context, whichever thread
 * runs them. Tasks are portable (static bodies, serialisable captures), so worker processes and
 * cluster members run them; the context there is restored by the {@link RequestPropagator}
 * installed on the test class path.
 */
public abstract class ContextContract {
    private static final Duration PATIENCE = Signal.PATIENCE;
    private static final AtomicInteger POOLS = new AtomicInteger();

    @TempDir
    Path dir;

    private final List<BackgroundPool> pools = new ArrayList<>();

    /**
     * A builder set to the kind under test; the tests set the name, {@code n} and propagators.
     *
     * @return a new builder
     */
    protected abstract BackgroundPool.Builder newPoolBuilder();

    /**
     * Whether the kind sends tasks to another JVM (or pretends to), so that propagators encode and
     * decode: the tests of those failures run only then.
     *
     * @return false for in-JVM kinds
     */
    protected boolean carriesToAnotherJvm() {
        return false;
    }

    /**
     * Tasks each stress submitter sends; slow kinds may send fewer.
     *
     * @return 50 by default
     */
    protected int stressTasksPerSubmitter() {
        return 50;
    }

    private BackgroundPool pool(int n, boolean propagate) {
        BackgroundPool.Builder b = newPoolBuilder().n(n).name("context-" + POOLS.incrementAndGet());
        if (propagate) {
            b.propagate(new RequestPropagator());
        }
        BackgroundPool p = b.build();
        pools.add(p);
        return p;
    }

    @AfterEach
    final void closePools() throws InterruptedException {
        REQUEST.remove();
        for (BackgroundPool p : pools) {
            p.shutdownNow();
        }
        for (BackgroundPool p : pools) {
            assertThat(p.awaitTermination(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("pool %s terminates", p)
                    .isTrue();
        }
    }

    private Signal signal(String name) {
        return new Signal(dir.resolve(name).toString());
    }

    // ------------------------------------------------------------- task bodies (portable)

    static @Nullable String seen() {
        return REQUEST.get();
    }

    static CheckedCallable<@Nullable String> seenAfter(Signal started, Signal gate) {
        return () -> {
            started.fire();
            gate.block();
            return REQUEST.get();
        };
    }

    /** Sets the request id in the worker and leaves it there, as careless task code does. */
    static @Nullable String leavesItsOwnValue() {
        String seen = REQUEST.get();
        REQUEST.set("left-behind-by-a-task");
        return seen;
    }

    static String seenWith(String prefix) {
        return prefix + REQUEST.get();
    }

    // ------------------------------------------------------------- tests

    @Test
    void aTaskSeesTheValueItsSubmitterHadAtSubmitTime() {
        BackgroundPool pool = pool(2, true);
        REQUEST.set("request-1");
        Task<@Nullable String> t = pool.run(ContextContract::seen);
        REQUEST.set("request-2"); // the submitting thread moves on before the task runs, maybe
        assertThat(t.result(PATIENCE)).isEqualTo("request-1");
    }

    /**
     * A wrapped function's calls: remote kinds may send the function once and then only the
     * arguments (spi {@code BoundCall}), and the context must travel with every call all the same.
     */
    @Test
    void everyCallOfAWrappedFunctionSeesTheValueItsSubmitterHad() {
        BackgroundPool pool = pool(1, true);
        var seen = pool.task(ContextContract::seenWith);
        REQUEST.set("request-7");
        Task<String> first = seen.apply("first saw ");
        REQUEST.set("request-8");
        Task<String> second = seen.apply("second saw ");
        assertThat(first.result(PATIENCE)).isEqualTo("first saw request-7");
        assertThat(second.result(PATIENCE)).isEqualTo("second saw request-8");
    }

    /** The regression of issue 10: on a warm pool, request 43's task saw request 42's value. */
    @Test
    void onAWarmPoolRequest43sTaskSees43And42sSees42() throws Exception {
        BackgroundPool pool = pool(1, true);
        var results = twoRequestsOnAWarmPool(pool);
        assertThat(results.get(0).result(PATIENCE)).as("the task of request 42").isEqualTo("request-42");
        assertThat(results.get(1).result(PATIENCE)).as("the task of request 43").isEqualTo("request-43");
    }

    @Test
    void withoutPropagatorsNoInheritedValueReachesATaskOnAWarmPool() throws Exception {
        BackgroundPool pool = pool(1, false);
        var results = twoRequestsOnAWarmPool(pool);
        assertThat(results.get(0).result(PATIENCE)).as("the task of request 42").isNull();
        assertThat(results.get(1).result(PATIENCE)).as("the task of request 43").isNull();
    }

    /**
     * Request 42 starts the pool's only worker (a new thread, or a remote worker's first task),
     * and keeps it busy; request 43's task then runs on that warm worker.
     */
    private List<Task<@Nullable String>> twoRequestsOnAWarmPool(BackgroundPool pool) throws InterruptedException {
        Signal started = signal("started"), gate = signal("gate");
        var first = new AtomicReference<Task<@Nullable String>>();
        var second = new AtomicReference<Task<@Nullable String>>();
        Thread request42 = Thread.ofPlatform().start(() -> {
            REQUEST.set("request-42");
            first.set(pool.run(seenAfter(started, gate)));
        });
        request42.join();
        Awaitility.await().atMost(PATIENCE).until(started::isFired);
        Thread request43 = Thread.ofPlatform().start(() -> {
            REQUEST.set("request-43");
            second.set(pool.run(ContextContract::seen));
        });
        request43.join();
        gate.fire();
        return List.of(first.get(), second.get());
    }

    @Test
    void aTaskWhoseSubmitterHadNoValueSeesNoneNotWhatAnEarlierTaskLeftInItsWorker() {
        BackgroundPool pool = pool(1, true);
        REQUEST.set("request-1");
        assertThat(pool.run(ContextContract::leavesItsOwnValue).result(PATIENCE))
                .isEqualTo("request-1");
        REQUEST.remove();
        assertThat(pool.run(ContextContract::seen).result(PATIENCE))
                .as("the same worker's next task, for a submitter without a request")
                .isNull();
    }

    @Test
    void callbacksSeeTheTasksContextWhicheverThreadRunsThem() throws Exception {
        var poolCallbackSaw = new ConcurrentLinkedQueue<String>();
        BackgroundPool.Builder b = newPoolBuilder()
                .n(2)
                .name("context-" + POOLS.incrementAndGet())
                .propagate(new RequestPropagator())
                .callback(task -> poolCallbackSaw.add(String.valueOf(REQUEST.get())));
        BackgroundPool pool = b.build();
        pools.add(pool);

        REQUEST.set("request-7");
        Task<@Nullable String> done = pool.run(ContextContract::seen);
        Signal started = signal("started");
        Task<@Nullable String> cancelled = pool.run(seenAfter(started, signal("never")));
        REQUEST.set("request-8"); // this thread now serves another request
        var onDoneSaw = new CompletableFuture<String>();
        done.onDone(t -> onDoneSaw.complete(String.valueOf(REQUEST.get())));
        assertThat(done.result(PATIENCE)).isEqualTo("request-7");
        assertThat(onDoneSaw.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("request-7");

        var ranHereSaw = new AtomicReference<String>();
        done.onDone(t -> ranHereSaw.set(String.valueOf(REQUEST.get()))); // ended: runs in this thread, now
        assertThat(ranHereSaw.get()).isEqualTo("request-7");
        assertThat(REQUEST.get()).as("this thread's own value, put back").isEqualTo("request-8");

        Awaitility.await().atMost(PATIENCE).until(started::isFired);
        cancelled.cancel(true); // its callbacks run here, in this thread of request 8
        assertThat(REQUEST.get()).isEqualTo("request-8");
        Awaitility.await()
                .atMost(PATIENCE)
                .untilAsserted(() -> assertThat(poolCallbackSaw).containsExactly("request-7", "request-7"));
    }

    @Test
    void manySubmittersAtOnceEachSeeOnlyTheirOwnRequestInTasksAndCallbacks() throws Exception {
        int submitters = 8, each = stressTasksPerSubmitter();
        var mismatches = new ConcurrentLinkedQueue<String>();
        var callbacksRun = new CountDownLatch(submitters * each * 2);
        BackgroundPool.Builder b = newPoolBuilder()
                .n(4)
                .name("context-" + POOLS.incrementAndGet())
                .propagate(new RequestPropagator())
                .callback(task -> {
                    String expected = String.valueOf(task.result());
                    if (!expected.equals(REQUEST.get())) {
                        mismatches.add("pool callback of " + expected + " saw " + REQUEST.get());
                    }
                    callbacksRun.countDown();
                });
        BackgroundPool pool = b.build();
        pools.add(pool);
        var go = new CountDownLatch(1);
        var tasks = new ConcurrentLinkedQueue<Task<@Nullable String>>();
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
                    String id = "request-" + submitter + "-" + i;
                    REQUEST.set(id);
                    Task<@Nullable String> t = pool.run(ContextContract::seen);
                    t.onDone(done -> {
                        if (!id.equals(REQUEST.get())) {
                            mismatches.add("onDone of " + id + " saw " + REQUEST.get());
                        }
                        callbacksRun.countDown();
                    });
                    if (!id.equals(REQUEST.get())) {
                        mismatches.add("submitter of " + id + " now has " + REQUEST.get());
                    }
                    tasks.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        for (Task<@Nullable String> t : tasks) {
            t.result(PATIENCE);
        }
        assertThat(callbacksRun.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                .isTrue();
        assertThat(tasks).hasSize(submitters * each);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void aValueThatCannotBeSentFailsItsOwnTaskOnly() {
        org.junit.jupiter.api.Assumptions.assumeTrue(carriesToAnotherJvm(), "only kinds that send context");
        BackgroundPool pool = pool(1, true);
        REQUEST.set(RequestPropagator.UNSENDABLE);
        Task<@Nullable String> bad = pool.run(ContextContract::seen);
        REQUEST.set("request-2");
        Task<@Nullable String> good = pool.run(ContextContract::seen);
        assertThat(rootMessage(bad.exception(PATIENCE))).contains("cannot be sent");
        assertThat(good.result(PATIENCE)).isEqualTo("request-2");
    }

    @Test
    void aValueThatCannotBeRestoredInTheWorkerFailsItsOwnTaskOnly() {
        org.junit.jupiter.api.Assumptions.assumeTrue(carriesToAnotherJvm(), "only kinds that send context");
        BackgroundPool pool = pool(1, true);
        REQUEST.set(RequestPropagator.UNRESTORABLE);
        Task<@Nullable String> bad = pool.run(ContextContract::seen);
        REQUEST.set("request-2");
        Task<@Nullable String> good = pool.run(ContextContract::seen);
        Throwable failure = bad.exception(PATIENCE);
        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(failure).hasMessageContaining("cannot be restored");
        assertThat(good.result(PATIENCE)).isEqualTo("request-2");
    }

    private static String rootMessage(@Nullable Throwable t) {
        assertThat(t).isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append(" / ");
        }
        return all.toString();
    }
}
