package dev.background.internal;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.PoolEvent;
import dev.background.PoolListener;
import dev.background.Task;
import dev.background.context.ContextPropagator;
import dev.background.context.ContextPropagator.Scope;
import dev.background.function.CheckedCallable;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The state of one pool behind {@link dev.background.BackgroundPool}: its engine, its callbacks,
 * its recent tasks, and the lifecycle that makes shutdown lose nothing.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li>{@code ctl} holds, in one word, the count of tasks submitted and not yet settled and, in its
 * sign bit, whether the pool is shut down. A submit counts itself by a CAS that fails if the bit
 * is set, so either the submit sees the shutdown and is refused, or the shutdown sees the task.
 * <li>The engine itself is shut down exactly once, by whoever moves {@code ctl} to "shut down,
 * none unfinished": the shutdown when nothing is unfinished, else the end of the last task. Tasks
 * waiting for a per-function {@link Gate} permit are handed to the engine later than their submit
 * and must not be refused by an engine that stopped early; and since the count and the bit change
 * together, a task's end can never read a zero count and then a shutdown set after a submit
 * counted itself (that race once failed an accepted task with a refusal).
 * <li>Callbacks are a copy-on-write list: registration is rare, iteration happens for every task.
 * They run in the thread that settles the task, after the future is complete.
 * <li><b>shutdownNow is exact</b>: every submitted task is refused at its submit, listed by
 * {@code shutdownNow} (cancelled, never begun), or run (and interrupted if it runs at the stop).
 * A task that has not begun is decided by a CAS on its run state (see {@link TaskFuture}), so
 * never two of these. None is left out: {@code shutdownNow} sets {@code stopped}, then claims
 * what it can find: calls of limited functions through {@code gated} (whatever
 * {@code keepResults}), other pending tasks through {@code recent}, and the jobs the engine
 * returns. A task it cannot find is either in the engine (which refuses, returns or runs each
 * job exactly once) or in its submit, which claims it after handing it on if the engine refused
 * it, or, for a limited function (whose calls wait at their limit, where the engine cannot
 * refuse them), if {@code stopped} is set by then. The submit adds the task to {@code gated}
 * before it reads {@code stopped}, and {@code shutdownNow} sets {@code stopped} before it reads
 * {@code gated}, so one of them sees the other. A limited call that the stopped engine refuses
 * on its way from the limit is not failed: whoever claims it settles it.
 * <li><b>Listeners</b> ({@link PoolListener}) are a copy-on-write array, replaced under
 * {@code listenerLock}; the hot path reads the field once per transition and does nothing more
 * when it is empty. A run's end goes to the array its start went to, which the task keeps
 * ({@link TaskFuture}'s run signal), so that each listener sees ends only of starts it saw. Engine events that arrive before the pool is attached (while its engine
 * opens) wait in {@code early} and are delivered at {@link #attach}, after the listeners for
 * every pool were added; events reported meanwhile queue behind them until {@code early} is
 * empty (swapped under the same lock), so none is lost or reordered.
 * <li><b>Context.</b> {@code propagators} is an immutable array swapped whole (the default pool's
 * can change); a submit reads it once and captures with what it read. A capture that throws
 * fails that task at once, after the same bookkeeping as any task (listeners see it submitted
 * and ended, its callbacks run, {@code ctl} stays exact).
 * <li><b>Timed hand-offs.</b> A delayed call, a retry after its backoff and the next run of a
 * periodic task wait on the shared {@link Timer}, in {@code delayed}, holding no worker; they stay
 * unfinished meanwhile, so the engine outlives them. They are added to {@code delayed} before
 * {@code stopped} is read and removed only after their hand-off, so {@code shutdownNow} (which
 * sets {@code stopped} before it reads {@code delayed}) finds each of them, or they see it stopped.
 * Each hand-off has a token and removes only its own entry: the run it starts may end, and arm
 * the next hand-off, before the first one returns.
 * <li><b>Periodic tasks</b> are cancelled by {@code shutdown} (the JDK's default for
 * {@code ScheduledThreadPoolExecutor}); delayed one-shot calls still run.
 * </ul>
 */
public final class PoolCore {
    private final String name;
    private final ExecutorKind kind;
    private final Engine engine;
    private final RecentTasks recent;
    private final CopyOnWriteArrayList<Consumer<? super Task<?>>> callbacks = new CopyOnWriteArrayList<>();
    /** The shut-down bit of {@code ctl}; the other bits count unfinished tasks. */
    private static final long SHUT_DOWN = Long.MIN_VALUE;
    /** Unfinished tasks, and {@link #SHUT_DOWN}; see the class comment. */
    private final AtomicLong ctl = new AtomicLong();

    private final AtomicBoolean shutDownReported = new AtomicBoolean();
    /** Set by shutdownNow, before it looks for tasks that have not begun. */
    private volatile boolean stopped;
    /** Tasks of functions with a limit, from their submit to their end; see the class comment. */
    private final Set<TaskFuture<?>> gated = ConcurrentHashMap.newKeySet();
    /** Opens once shutdown is set and no task is unfinished; the engine is shut down then. */
    private final CountDownLatch drained = new CountDownLatch(1);
    /**
     * Tasks waiting on the timer to be handed to the workers, each with a token of its latest
     * hand-off, so that a hand-off removes only its own entry; see the class comment.
     */
    private final ConcurrentHashMap<TaskFuture<?>, Object> delayed = new ConcurrentHashMap<>();
    /** Periodic tasks not yet ended, which {@code shutdown} cancels. */
    private final Set<TaskFuture<?>> periodic = ConcurrentHashMap.newKeySet();
    /** Retries of every task whose function sets none; null for none. Set once, before use. */
    private @Nullable RetryRules defaultRetry;
    /** Hands timed tasks on off the shared timer thread (the engine may serialise user objects). */
    private static final Thread.Builder HAND_OFFS =
            Thread.ofVirtual().inheritInheritableThreadLocals(false).name("background-timed-hand-off");

    /**
     * Tests only: a hand-off due at once runs in the thread that asks for it, rather than through
     * the timer and a thread of its own, so that a test orders it against the rest of a run.
     */
    boolean handOffsInline;

    private volatile int n;
    private volatile ContextPropagator<?>[] propagators = NO_PROPAGATORS;
    private static final ContextPropagator<?>[] NO_PROPAGATORS = {};
    private final boolean recordSubmitSite;
    private final boolean awaitAtExit;
    private static final StackWalker SUBMIT_SITE = StackWalker.getInstance();

    private static final PoolListener[] NO_LISTENERS = {};
    private volatile PoolListener[] listeners = NO_LISTENERS;
    private final Object listenerLock = new Object();
    /** The pool this is the core of; null only while its constructor runs. */
    private volatile @Nullable BackgroundPool owner;
    /**
     * Engine events reported before {@link #attach} has delivered those before them; null once it
     * has. Guarded by listenerLock.
     */
    private @Nullable List<Early> early = new ArrayList<>();
    /** Set once {@code early} is null: events then go to the listeners without the lock. */
    private volatile boolean eventsLive;

    private record Early(
            PoolEvent.Type type, Instant time, @Nullable String worker, String detail) {}

    public PoolCore(
            String name,
            ExecutorKind kind,
            int n,
            int keepResults,
            List<Consumer<? super Task<?>>> initialCallbacks,
            boolean awaitAtExit) {
        this.name = name;
        this.kind = kind;
        this.n = n;
        this.recent = new RecentTasks(keepResults);
        this.callbacks.addAll(initialCallbacks);
        this.recordSubmitSite = kind.recordsSubmitSite();
        this.engine = kind.open(name, n, new Events());
        this.awaitAtExit = awaitAtExit;
        if (awaitAtExit) {
            ExitGuard.register(this);
        }
    }

    public String name() {
        return name;
    }

    /**
     * Called once by the pool's constructor, once this core is complete: from now on events
     * name the pool, and listeners for every pool watch it.
     */
    public void attach(BackgroundPool pool) {
        owner = pool;
        Jfr.poolEvent(new PoolEvent(pool, PoolEvent.Type.OPENED, Instant.now(), n, null, ""));
        Listeners.born(this);
        // Events reported until now, and while these are delivered, queue behind the earlier ones;
        // only once the queue is empty do events go straight to the listeners, which by then
        // include those for every pool.
        while (true) {
            List<Early> batch;
            synchronized (listenerLock) {
                batch = Objects.requireNonNull(early);
                if (batch.isEmpty()) {
                    early = null;
                    eventsLive = true;
                    return;
                }
                early = new ArrayList<>();
            }
            batch.forEach(e -> fire(new PoolEvent(pool, e.type(), e.time(), n, e.worker(), e.detail())));
        }
    }

    BackgroundPool owner() {
        return Objects.requireNonNull(owner, "the pool is not attached yet");
    }

    public ExecutorKind kind() {
        return kind;
    }

    Engine engine() {
        return engine;
    }

    public int n() {
        return n;
    }

    /** Sets the propagators for tasks submitted from now on (checked by the caller). */
    public void propagators(ContextPropagator<?>[] checked) {
        propagators = checked.length == 0 ? NO_PROPAGATORS : checked.clone();
    }

    public void resize(int newN) {
        synchronized (this) {
            n = newN;
            engine.resize(newN);
        }
        poolEvent(PoolEvent.Type.N_CHANGED, null, "");
    }

    /** Sets the pool's default retry rules; called once, right after construction. */
    public void defaultRetry(@Nullable RetryRules rules) {
        this.defaultRetry = rules;
    }

    @Nullable
    RetryRules defaultRetry() {
        return defaultRetry;
    }

    /**
     * Submits {@code command} to run after {@code initialDelayNanos}, then again every
     * {@code periodNanos} (from the planned start of the last run) if positive, or that long after
     * the end of the last run if negative, until it throws or is cancelled.
     *
     * @throws RejectedExecutionException if the pool is shut down
     */
    public TaskFuture<@Nullable Void> submitPeriodic(Runnable command, long initialDelayNanos, long periodNanos) {
        TaskFuture<@Nullable Void> task = new TaskFuture<>(
                this,
                () -> {
                    command.run();
                    return null;
                },
                CallOptions.DEFAULT.withDelay(Math.max(0, initialDelayNanos)),
                null,
                periodNanos);
        return submit(task);
    }

    /**
     * Submits one call.
     *
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T extends @Nullable Object> TaskFuture<T> submit(CheckedCallable<T> call, CallOptions options) {
        return submit(new TaskFuture<>(this, call, options, null));
    }

    /**
     * Submits {@code command}, which {@link #shutdownNow()} lists as given if it never started.
     *
     * @param command what {@code ExecutorService.execute} was given
     * @throws RejectedExecutionException if the pool is shut down
     */
    @SuppressWarnings("FutureReturnValueIgnored") // execute() gives no future; shutdownNow lists the command
    public void execute(Runnable command) {
        submit(new TaskFuture<@Nullable Void>(
                this,
                () -> {
                    command.run();
                    return null;
                },
                CallOptions.DEFAULT,
                command));
    }

    private <T extends @Nullable Object> TaskFuture<T> submit(TaskFuture<T> task) {
        if (recordSubmitSite) {
            task.submitFrames = SUBMIT_SITE.walk(frames -> frames.dropWhile(f -> isLibraryFrame(f.getClassName()))
                    .limit(32)
                    .toArray(StackWalker.StackFrame[]::new));
        }
        long c;
        do {
            c = ctl.get();
            if (c < 0) {
                throw rejected();
            }
        } while (!ctl.compareAndSet(c, c + 1));
        recent.add(task);
        PoolListener[] ls = listeners;
        if (ls.length != 0) {
            taskSubmitted(ls, task);
        }
        ContextPropagator<?>[] ps = propagators;
        if (ps.length > 0) {
            try {
                task.context = Context.capture(ps);
            } catch (RuntimeException | Error captureFailed) {
                // As for a job the engine cannot take: the submit stands, its task fails at once.
                task.settle(null, captureFailed);
                return task;
            }
        }
        if (task.rerun != null && (task.rerun.periodNanos != 0 || task.nanosUntilRun() > 0)) {
            if (task.gate() != null) {
                track(gated, task);
            }
            if (task.rerun.periodNanos != 0) {
                track(periodic, task);
                if (isShutdown()) { // shutdown came after the check above and may have missed it
                    task.cancel(false);
                }
            }
            if (!handOffLater(task, Math.max(0, task.nanosUntilRun()))) {
                RejectedExecutionException refusal = rejected();
                if (task.refuseIfNotBegun(refusal)) {
                    throw refusal;
                }
            }
            return task;
        }
        Gate gate = task.gate();
        if (gate != null) {
            track(gated, task);
            gate.submit(task, engine);
            if (stopped) {
                RejectedExecutionException refusal = rejected();
                if (task.refuseIfNotBegun(refusal)) {
                    throw refusal;
                }
            }
            return task;
        }
        try {
            engine.execute(task);
        } catch (RejectedExecutionException e) {
            // shutdownNow stopped the engine after the check above: refused, unless shutdownNow
            // claimed the task first (it is then on its list)
            if (task.refuseIfNotBegun(e)) {
                throw e;
            }
        } catch (RuntimeException | Error refused) {
            // The engine could not take this job (say, it cannot be serialised for another
            // process): the task fails at once with the engine's explanation, nothing hangs.
            task.settle(null, refused);
        }
        return task;
    }

    /**
     * Hands {@code task} to the workers (through its gate, if any) after {@code delayNanos}, from
     * a thread of its own; see the class comment.
     *
     * @return false if the pool was stopped by {@code shutdownNow} (the caller claims the task)
     */
    boolean handOffLater(TaskFuture<?> task, long delayNanos) {
        Object token = new Object();
        delayed.put(task, token);
        if (task.isDone()) { // settled meanwhile: its end may have looked for it before the add
            delayed.remove(task, token);
            return true;
        }
        if (stopped) {
            delayed.remove(task, token);
            return false;
        }
        Rerun r = task.rerun;
        try {
            if (r != null && delayNanos == 0 && handOffsInline) {
                handOff(task, token);
            } else if (r != null) {
                r.timer = Timer.schedule(() -> HAND_OFFS.start(() -> handOff(task, token)), delayNanos);
                if (task.isDone()) {
                    r.cancelTimer();
                    delayed.remove(task, token);
                }
            }
        } catch (RuntimeException | Error noTimer) { // the timer thread could not start (out of memory)
            delayed.remove(task, token);
            task.settle(null, noTimer);
        }
        return true;
    }

    /** Hands {@code task} on; {@code token} is its hand-off's, see {@code delayed}. */
    private void handOff(TaskFuture<?> task, Object token) {
        try {
            if (!task.isDone()) {
                Gate gate = task.gate();
                if (gate != null) {
                    gate.submit(task, engine);
                } else {
                    engine.execute(task);
                }
            }
        } catch (RuntimeException | Error refused) {
            // Refused by a stopped engine: shutdownNow found it in delayed and cancelled it
            // already, so this loses. Otherwise the engine cannot take it, and it fails with why.
            task.settle(null, refused);
        } finally {
            // Only this hand-off's entry: the run it started may have ended and armed the next
            // one already (a retry's backoff), which must stay findable by shutdownNow.
            delayed.remove(task, token);
        }
    }

    /**
     * Adds {@code task} to {@code gated} or {@code periodic}, which its end empties. The task was
     * published before (to listeners, to {@code results()}), so it may have ended already, and
     * its end found nothing to remove: then it is removed here. Either this sees it done, or its
     * end (which follows its completion) comes after the add.
     */
    private static void track(Set<TaskFuture<?>> set, TaskFuture<?> task) {
        set.add(task);
        if (task.isDone()) {
            set.remove(task);
        }
    }

    private static boolean isLibraryFrame(String className) {
        return className.startsWith("dev.background.internal.")
                || className.equals("dev.background.BackgroundPool")
                || className.equals("dev.background.Background");
    }

    RejectedExecutionException rejected() {
        return new RejectedExecutionException("background pool '" + name
                + "' is shut down and takes no new tasks; submit to a pool that is open, or build a new one");
    }

    /** Called exactly once per task, by the thread that settled it. */
    void taskEnded(TaskFuture<?> task) {
        if (task.gate() != null) {
            gated.remove(task);
        }
        PoolListener[] ls = listeners;
        if (ls.length != 0) {
            taskEnded(ls, task);
        }
        if (task.rerun != null) {
            delayed.remove(task);
            periodic.remove(task);
        }
        Jfr.taskEnded(this, task);
        if (!callbacks.isEmpty()) {
            Scope context = task.callbackScope();
            try {
                for (Consumer<? super Task<?>> cb : callbacks) {
                    Log.runCallback(cb, task);
                }
            } finally {
                context.close();
            }
        }
        if (ctl.decrementAndGet() == SHUT_DOWN) {
            onDrained();
        }
    }

    private void onDrained() {
        if (awaitAtExit) {
            ExitGuard.unregister(this);
        }
        drained.countDown();
        engine.shutdown();
    }

    // ---------------------------------------------------------------- listeners

    /** Registers a listener on this pool; returns its removal. */
    public Runnable addListener(PoolListener listener) {
        synchronized (listenerLock) {
            listeners = Listeners.with(listeners, listener);
        }
        return () -> removeListener(listener);
    }

    void removeListener(PoolListener listener) {
        synchronized (listenerLock) {
            listeners = Listeners.without(listeners, listener);
        }
    }

    private void taskSubmitted(PoolListener[] ls, TaskFuture<?> task) {
        BackgroundPool pool = owner();
        for (PoolListener l : ls) {
            try {
                l.taskSubmitted(pool, task);
            } catch (Throwable t) {
                listenerFailed(l, task, t);
            }
        }
    }

    /** The listeners now: an array never changed, replaced whole (see the class comment). */
    PoolListener[] listeners() {
        return listeners;
    }

    /** Tells {@code ls} that a run of {@code task} starts, in the thread that starts it; see {@link TaskFuture}. */
    void taskStarted(PoolListener[] ls, TaskFuture<?> task) {
        BackgroundPool pool = owner();
        for (PoolListener l : ls) {
            try {
                l.taskStarted(pool, task);
            } catch (Throwable t) {
                listenerFailed(l, task, t);
            }
        }
    }

    /** Tells {@code ls}, the listeners told of the run's start, that it ended; see {@link TaskFuture}. */
    void runEnded(PoolListener[] ls, TaskFuture<?> task) {
        BackgroundPool pool = owner();
        for (PoolListener l : ls) {
            try {
                l.runEnded(pool, task);
            } catch (Throwable t) {
                listenerFailed(l, task, t);
            }
        }
    }

    private void taskEnded(PoolListener[] ls, TaskFuture<?> task) {
        BackgroundPool pool = owner();
        for (PoolListener l : ls) {
            try {
                l.taskEnded(pool, task);
            } catch (Throwable t) {
                listenerFailed(l, task, t);
            }
        }
    }

    private static void listenerFailed(PoolListener l, Object about, Throwable t) {
        Log.warn(
                "a pool listener (" + l + ") threw; tasks, the pool and other listeners are unaffected (" + about + ")",
                t);
    }

    /** Reports a pool event to every listener, or keeps it for {@link #attach} if it has not delivered the earlier ones yet. */
    void poolEvent(PoolEvent.Type type, @Nullable String worker, String detail) {
        Instant now = Instant.now();
        if (!eventsLive) {
            synchronized (listenerLock) {
                List<Early> before = early;
                if (before != null) {
                    before.add(new Early(type, now, worker, detail));
                    return;
                }
            }
        }
        fire(new PoolEvent(owner(), type, now, n, worker, detail));
    }

    private void fire(PoolEvent event) {
        Jfr.poolEvent(event);
        for (PoolListener l : listeners) {
            fire(l, event);
        }
    }

    void fire(PoolListener l, PoolEvent event) {
        try {
            l.poolEvent(event);
        } catch (Throwable t) {
            listenerFailed(l, event, t);
        }
    }

    /** What the engine reports about its workers, turned into pool events. */
    private final class Events implements EngineEvents {
        @Override
        public void workerStarted(String worker) {
            poolEvent(PoolEvent.Type.WORKER_STARTED, worker, "");
        }

        @Override
        public void workerDied(String worker, String detail) {
            poolEvent(PoolEvent.Type.WORKER_DIED, worker, detail);
        }

        @Override
        public void workerStopped(String worker, String detail) {
            poolEvent(PoolEvent.Type.WORKER_STOPPED, worker, detail);
        }

        @Override
        public void memberJoined(String member) {
            poolEvent(PoolEvent.Type.MEMBER_JOINED, member, "");
        }

        @Override
        public void memberLeft(String member) {
            poolEvent(PoolEvent.Type.MEMBER_LEFT, member, "");
        }
    }

    public Runnable addCallback(Consumer<? super Task<?>> callback) {
        callbacks.add(callback);
        return () -> callbacks.remove(callback);
    }

    public List<Task<?>> results() {
        return recent.snapshot();
    }

    public long unfinished() {
        return ctl.get() & ~SHUT_DOWN;
    }

    // ---------------------------------------------------------------- lifecycle

    public void shutdown() {
        markShutDown();
        for (TaskFuture<?> t : periodic) {
            t.cancel(false); // the JDK's default: periodic tasks end at shutdown, delayed calls still run
        }
    }

    /** Refuses submits from now on; drains at once if nothing is unfinished (see the class comment). */
    private void markShutDown() {
        if (ctl.getAndUpdate(c -> c | SHUT_DOWN) == 0) {
            onDrained();
        }
        if (shutDownReported.compareAndSet(false, true)) {
            poolEvent(PoolEvent.Type.SHUT_DOWN, null, "");
        }
    }

    /**
     * Cancels every task that has not begun, interrupts running ones, and returns those it
     * cancelled (as given to {@link #execute}, for those); see the class comment.
     */
    public List<Runnable> shutdownNow() {
        stopped = true;
        markShutDown(); // not shutdown(): periodic tasks are cancelled below, and listed
        List<Runnable> neverStarted = new ArrayList<>();
        // Running calls are marked cancelled now, but interrupted only once the engine has stopped
        // (its workers then take no queued call), so that their end is a cancellation.
        List<TaskFuture<?>> running = new ArrayList<>();
        for (TaskFuture<?> t : gated) {
            cancelOrMarkRunning(t, neverStarted, running);
        }
        for (TaskFuture<?> t : delayed.keySet()) {
            cancelOrMarkRunning(t, neverStarted, running);
        }
        for (TaskFuture<?> t : periodic) {
            cancelOrMarkRunning(t, neverStarted, running);
        }
        for (Task<?> t : recent.snapshot()) {
            if (t instanceof TaskFuture<?> f && f.gate() == null) {
                cancelOrMarkRunning(f, neverStarted, running);
            }
        }
        for (Job job : engine.shutdownNow()) {
            if (job instanceof TaskFuture<?> t) {
                if (t.cancelIfNotBegun()) {
                    neverStarted.add(t.listedAs());
                }
                t.releasePermit(); // the engine is done with it
            }
        }
        running.forEach(TaskFuture::interruptAfterCancel);
        return neverStarted;
    }

    private static void cancelOrMarkRunning(TaskFuture<?> t, List<Runnable> neverStarted, List<TaskFuture<?>> running) {
        if (t.cancelIfNotBegun()) {
            neverStarted.add(t.listedAs());
        } else if (t.began() && !t.isDone()) {
            // Not one that will never begin: that one belongs to whoever made it so (a submit
            // refusing it, a user's cancel or complete), which settles it; cancelling it here
            // would list it nowhere and make that settlement lose.
            t.cancelBeforeInterrupt();
            running.add(t);
        }
    }

    /** How many limited calls the pool tracks for {@code shutdownNow}: those not yet ended. */
    int limitedCallsTracked() {
        return gated.size();
    }

    /** How many periodic tasks the pool tracks for {@code shutdown}: those not yet ended. */
    int periodicTasksTracked() {
        return periodic.size();
    }

    boolean isStopped() {
        return stopped;
    }

    public boolean isShutdown() {
        return ctl.get() < 0;
    }

    public boolean isTerminated() {
        return ctl.get() == SHUT_DOWN && engine.isTerminated();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = Waits.deadlineAfter(unit.toNanos(timeout));
        return drained.await(timeout, unit)
                && engine.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
