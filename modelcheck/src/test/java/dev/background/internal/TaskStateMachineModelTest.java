package dev.background.internal;

import dev.background.spi.Job;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;

/**
 * Model check of one task's state machine ({@link TaskFuture}): every interleaving, up to the
 * checker's bounds, of the ways a task ends (its call on a worker or on a remote engine,
 * {@code complete}, {@code completeExceptionally}, {@code cancel} with and without interrupt,
 * {@code shutdownNow}'s two-step cancel) with waits' end hooks ({@code watch}, removed or kept)
 * and {@code onDone} callbacks being added.
 *
 * <p>Checked, once every thread is done: exactly one way to end won, the task's outcome is the
 * winner's, and every other's return value says it lost ({@code cancel} true exactly when the
 * task is cancelled); the task ended at most once for its pool (pool callback and unfinished count), every kept hook and every
 * {@code onDone} ran exactly once, a removed hook at most once, the call ran at most once and
 * never after {@code shutdownNow} said it never began, an interrupt was sent only to a running
 * call and never outlived it on the worker thread.
 */
public class TaskStateMachineModelTest {
    private final HeldJobs engine = new HeldJobs();
    private final AtomicInteger poolCallbacks = new AtomicInteger();
    private final PoolCore pool = engine.pool(t -> poolCallbacks.incrementAndGet());

    @SuppressWarnings("StaticAssignmentOfThrowable") // compared by identity; its stack trace is never read
    private static final IllegalStateException FAILURE = new IllegalStateException("model");

    private final AtomicInteger calls = new AtomicInteger();
    private final TaskFuture<Integer> task = pool.submit(
            () -> {
                calls.incrementAndGet();
                return 42;
            },
            CallOptions.DEFAULT);
    /** An engine starts a job once: the first runner takes it, the others find nothing. */
    private final Job job = engine.poll();

    private final AtomicBoolean taken = new AtomicBoolean();
    private final AtomicInteger remoteInterrupts = new AtomicInteger();
    private final AtomicInteger keptHooks = new AtomicInteger();
    private final AtomicInteger keptHookRuns = new AtomicInteger();
    private final AtomicInteger removedHooks = new AtomicInteger();
    private final AtomicInteger removedHookRuns = new AtomicInteger();
    private final AtomicInteger onDones = new AtomicInteger();
    private final AtomicInteger onDoneRuns = new AtomicInteger();
    private final AtomicInteger completeWon = new AtomicInteger();
    private final AtomicInteger failWon = new AtomicInteger();
    private final AtomicInteger cancelSaidCancelled = new AtomicInteger();
    private final AtomicInteger cancelSaidNot = new AtomicInteger();
    private final AtomicInteger leakedInterrupts = new AtomicInteger();
    private volatile boolean saidNeverBegan;

    @Operation
    public void complete() {
        if (task.complete(7)) {
            completeWon.incrementAndGet();
        }
    }

    @Operation
    public void completeExceptionally() {
        if (task.completeExceptionally(FAILURE)) {
            failWon.incrementAndGet();
        }
    }

    @Operation
    public void cancel() {
        (task.cancel(false) ? cancelSaidCancelled : cancelSaidNot).incrementAndGet();
    }

    @Operation
    public void cancelInterrupting() {
        (task.cancel(true) ? cancelSaidCancelled : cancelSaidNot).incrementAndGet();
    }

    /** What {@code PoolCore.shutdownNow} does to each task it knows. */
    @Operation
    public void shutdownNow() {
        if (task.cancelIfNotBegun()) {
            saidNeverBegan = true;
            return;
        }
        task.cancelBeforeInterrupt();
        task.interruptAfterCancel();
    }

    /** A worker thread of an in-JVM engine runs the job; no interrupt may outlive the call. */
    @Operation
    public void runOnWorker() {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        job.run();
        if (Thread.interrupted()) {
            leakedInterrupts.incrementAndGet();
        }
    }

    /** A remote engine starts the job and reports its end. */
    @Operation
    public void runRemotely() {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        if (job.start(remoteInterrupts::incrementAndGet)) {
            calls.incrementAndGet();
            job.succeed(42);
        }
    }

    @Operation
    public void watch() {
        keptHooks.incrementAndGet();
        task.watch(keptHookRuns::incrementAndGet);
    }

    @Operation
    public void watchThenRemove() {
        removedHooks.incrementAndGet();
        task.watch(removedHookRuns::incrementAndGet).run();
    }

    @Operation
    public void onDone() {
        onDones.incrementAndGet();
        task.onDone(t -> onDoneRuns.incrementAndGet());
    }

    @Validate
    public void endedOnceAsItsWinnerSaysAndEveryHookRanOnce() {
        int ended = task.isDone() ? 1 : 0;
        check(
                poolCallbacks.get() == ended,
                "pool callback ran " + poolCallbacks + " times, task done: " + task.isDone());
        check(pool.unfinished() == 1 - ended, "unfinished is " + pool.unfinished() + ", task done: " + task.isDone());
        check(keptHookRuns.get() == keptHooks.get() * ended, "kept hooks ran " + keptHookRuns + " of " + keptHooks);
        check(
                removedHookRuns.get() <= removedHooks.get() * ended,
                removedHookRuns + " runs of " + removedHooks + " removed hooks, task done: " + task.isDone());
        check(onDoneRuns.get() == onDones.get() * ended, "onDone ran " + onDoneRuns + " of " + onDones);
        check(calls.get() <= 1, "the call ran " + calls + " times");
        check(leakedInterrupts.get() == 0, "an interrupt meant for the task outlived its run on the worker");
        check(!saidNeverBegan || calls.get() == 0, "shutdownNow said never began, but the call ran");
        check(remoteInterrupts.get() <= 1, "interrupted " + remoteInterrupts + " times");
        check(
                remoteInterrupts.get() == 0 || (calls.get() == 1 && task.isCancelled()),
                "an interrupt reached a call that was not running, or whose task was not cancelled");
        // Exactly one way to end won, and the task's state is the winner's.
        int winners = completeWon.get()
                + failWon.get()
                + (task.isCancelled() ? 1 : 0)
                + (task.state() == Future.State.SUCCESS && task.resultNow() == 42 ? 1 : 0);
        check(winners == ended, winners + " winners for one task, done: " + task.isDone());
        check(completeWon.get() == 0 || task.resultNow() == 7, "complete won but the result is not its value");
        check(
                failWon.get() == 0 || task.exceptionNow() == FAILURE,
                "completeExceptionally won but the failure is not its");
        check(cancelSaidCancelled.get() == 0 || task.isCancelled(), "cancel returned true on a task not cancelled");
        check(cancelSaidNot.get() == 0 || !task.isCancelled(), "cancel returned false on a cancelled task");
        check(!saidNeverBegan || task.isCancelled(), "shutdownNow said never began, but did not cancel");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("modelcheck.iterations", 10))
                .invocationsPerIteration(Integer.getInteger("modelcheck.invocations", 1_000))
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(0)
                .actorsAfter(1)
                // Operations that take the one job (the first runner) make results depend on
                // which runner took it, so linearizability is not the property: each operation's
                // outcome is recorded and checked against the task's end by the validation.
                .verifier(EpsilonVerifier.class)
                .check(getClass());
    }
}
