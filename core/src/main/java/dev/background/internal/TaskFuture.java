package dev.background.internal;

import dev.background.PoolListener;
import dev.background.Task;
import dev.background.TaskException;
import dev.background.TaskTimings;
import dev.background.WaitTimeoutException;
import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator.Scope;
import dev.background.function.CheckedCallable;
import dev.background.spi.Engine;
import dev.background.spi.Job;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation of {@link Task} and {@link Job}: a {@link CompletableFuture} that knows
 * how to run its call, interrupt it, and tell its pool when it ends.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Settlement.</b> Every way a task can end (its call returns or throws, cancel, its time
 * limit, a rejection, a user's {@code complete}) goes through {@link #settle}, which uses
 * {@code CompletableFuture}'s own CAS on the result. Only the winner runs {@link #afterSettled()}
 * (pool bookkeeping and pool callbacks), so those run exactly once per task.
 * <li><b>Interrupts.</b> {@code runState} follows FutureTask's protocol: NEW, then RUNNING while the
 * call runs; a canceller moves RUNNING to INTERRUPTING, interrupts, then INTERRUPTED; the runner
 * moves RUNNING to FINISHED when the call returns. A runner that loses that race waits for
 * INTERRUPTED and clears its interrupt status, so an interrupt meant for this task never lands in
 * the next task of the same thread. A retried attempt's time limit may find RUNNING the next
 * attempt's (its check of the attempt number and its CAS are two steps): it checks again once it
 * holds INTERRUPTING and, if the attempt moved on, puts RUNNING back without interrupting; a
 * runner or a canceller that meets INTERRUPTING waits until it is gone, and tries its CAS again
 * if it finds RUNNING.
 * <li><b>Never begun.</b> The CAS out of NEW decides, once, whether the call ever runs: to RUNNING
 * by the runner ({@link #begin}), or to NEVER by any settlement first (a cancel, say): a task
 * settled before its call began never runs, and one whose call began always runs it (a cancel
 * then interrupts it, or not). {@code shutdownNow} and a submit that refuses its task after all
 * make that CAS themselves before they settle ({@link #cancelIfNotBegun},
 * {@link #refuseIfNotBegun}), so each knows whether it decided: a task is listed by
 * {@code shutdownNow}, refused at its submit, or run, one of the three.
 * <li><b>Gate permits.</b> A task that went through a {@link Gate} holds a permit from
 * {@link #executeHoldingPermit} until the engine is done with it: its {@link #run()} ends (in-JVM
 * kinds), or the engine reports the end through {@link #succeed}/{@link #fail} or finds it
 * cancelled in {@link #start} (remote kinds), or the engine rejects it. {@code permitHeld} makes
 * the release happen exactly once, whichever path comes first. A run followed by another gives
 * its permit back before the task is handed on ({@link #runAgainLater}) and not after: by then
 * {@code permitHeld} may already be the next run's, set by a hand-off on another thread.
 * <li><b>Timings.</b> One {@code nanoTime} per transition: {@code submitNanos} in the
 * constructor (final), {@code startNanos} and {@code where} written by the runner before its CAS
 * out of NEW, so a reader that sees the run state begun sees them; {@code endNanos} written (a
 * release store; read as a volatile) by a settling thread before it completes the future and after
 * the CAS out of NEW, so a reader that sees the task done sees it (the completion's CAS orders the
 * store before it), and it is never before a start that won that CAS.
 * Racing settlers may each write it; they are nanoseconds apart.
 * <li><b>Context.</b> {@code context} is written by the submitting thread before the task is
 * published (to the engine, to {@code results()}) and never again; the worker restores it
 * around the call only, and the settling thread around the callbacks ({@link #onDone},
 * {@link PoolCore#taskEnded}), each with its own scope on its own thread.
 * <li><b>Runs again.</b> A task with a {@link Rerun} (a delayed, retried or periodic call) may
 * run its call more than once: when a run ends and is to be followed by another, the task goes
 * back from its ended run state to NEW ({@link #runAgainLater}) and its pool hands it to the
 * workers again after the delay. A cancel or {@code shutdownNow} then finds it NEW and claims it
 * by the usual CAS; one that settled it just before is seen by the re-check of
 * {@code isDone()} after the move to NEW, and a run that a timer started on a task settled in
 * between sees it in {@link #begin} and does not call. A first run has no "in between": its CAS
 * out of NEW decides as any task's does, so a task that never ran never reports a start.
 * <li><b>Run signal.</b> Listeners hear of each run's start and end ({@code taskStarted},
 * {@code runEnded}), once each, in that order, before the task's end where possible.
 * {@code runSignal} says where the current run's reports stand: IDLE (none open), STARTING (the
 * start is being told to {@code runListeners}), OPEN (told), END_ASKED (a settlement came while
 * STARTING). The starter ({@link #reportStart}) writes {@code runListeners} (the pool's array at
 * that moment; nothing at all with no listener), then STARTING, tells the start, then CASes to
 * OPEN; if a settlement asked for the end meanwhile, it tells the end itself, right after the
 * start. Whoever ends the run ({@link #endRun}: the runner after the call, a remote kind's
 * {@link #succeed}/{@link #fail}, or {@link #afterSettled} before the pool's {@code taskEnded})
 * CASes OPEN to IDLE and tells the end, or STARTING to END_ASKED and leaves it to the starter:
 * one CAS wins, so each start has exactly one end, told to the listeners that heard the start,
 * and never before it. The starter, runner and answering thread of one run are ordered (a remote
 * call is sent after its start returns), so only a settlement from another thread races them. The
 * next run starts only after the runner (or answer) that ended this one hands the task back, so
 * runs never overlap; only a settlement racing a start is reported before that start (which
 * {@code PoolListener} documents).
 * </ul>
 */
public final class TaskFuture<T extends @Nullable Object> extends CompletableFuture<T>
        implements Task<T>, Job, ScheduledFuture<T> {

    private static final int NEW = 0, RUNNING = 1, FINISHED = 2, INTERRUPTING = 3, INTERRUPTED = 4, NEVER = 5;
    private static final VarHandle RUN_STATE;
    private static final VarHandle PERMIT_HELD;
    private static final VarHandle WATCHERS;
    private static final VarHandle END_NANOS;
    private static final VarHandle RUN_SIGNAL;
    private static final int IDLE = 0, STARTING = 1, OPEN = 2, END_ASKED = 3;

    static {
        try {
            RUN_STATE = MethodHandles.lookup().findVarHandle(TaskFuture.class, "runState", int.class);
            PERMIT_HELD = MethodHandles.lookup().findVarHandle(TaskFuture.class, "permitHeld", boolean.class);
            WATCHERS = MethodHandles.lookup().findVarHandle(TaskFuture.class, "watchers", Runnable[].class);
            END_NANOS = MethodHandles.lookup().findVarHandle(TaskFuture.class, "endNanos", long.class);
            RUN_SIGNAL = MethodHandles.lookup().findVarHandle(TaskFuture.class, "runSignal", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PoolCore pool;
    private final CheckedCallable<T> callable;
    private final CallOptions options;
    /** The runnable given to {@code execute}, which {@code shutdownNow} lists instead of this task; else null. */
    private final @Nullable Runnable given;
    /** The thread running the call, or the remote interrupter. Written before RUNNING. */
    private @Nullable Object interrupter;

    private volatile int runState;
    /** Where the current run's start and end reports stand; see the class comment. */
    private volatile int runSignal;
    /** The listeners told of the current run's start; written before STARTING, read after it. */
    private PoolListener @Nullable [] runListeners;
    /** True while this task holds a permit of its function's {@link Gate}. */
    private volatile boolean permitHeld;
    /**
     * Removable end hooks of waits ({@link #watch}): null, an immutable array replaced by CAS, or
     * {@link #CLOSED} once the task has ended and the hooks were taken to run.
     */
    private volatile Runnable @Nullable [] watchers;

    private static final Runnable[] NO_WATCHERS = {};
    /** Settles timed-out calls off the shared timer thread, carrying no inherited values. */
    private static final Thread.Builder TIME_OUTS =
            Thread.ofVirtual().inheritInheritableThreadLocals(false).name("background-time-limit");

    private static final Runnable[] CLOSED = {};
    /** Set only for tasks with a time limit, once they start. */
    private volatile @Nullable ScheduledFuture<?> timeoutHandle;
    /** Submission number; written once by {@link RecentTasks#add} before the task is published. */
    long seq;
    /**
     * Where the task was submitted, for kinds that ask for it, as the walker saw it; else null.
     * Turned into {@link StackTraceElement}s only when a failure needs them ({@link #submitSite()}):
     * that costs more than the walk itself, on every submit, for what few tasks ever use.
     */
    StackWalker.StackFrame @Nullable [] submitFrames;
    /** {@link #submitFrames}, resolved; computed at most once per thread that races to it, all equal. */
    private volatile StackTraceElement @Nullable [] submitSite;
    /** The submitter's context, if the pool propagates any; written once before publication. */
    @Nullable
    Context context;

    private final long submitNanos = System.nanoTime();
    /** When and where the call began; meaningful once the run state has left NEW for RUNNING. */
    private long startNanos;

    private @Nullable String where;
    /** When the task was settled; 0 until then. */
    private volatile long endNanos;
    /** {@code nanoTime} and wall-clock time at one instant, to turn the first into the second. */
    private static final long ANCHOR_NANOS = System.nanoTime();

    @SuppressWarnings("TimeInStaticInitializer") // by design: the wall-clock instant of ANCHOR_NANOS
    private static final Instant ANCHOR_TIME = Instant.now();

    private static final long ANCHOR_EPOCH_NANOS =
            ANCHOR_TIME.getEpochSecond() * 1_000_000_000L + ANCHOR_TIME.getNano();
    /** Delay, retries or period of the call; null for a plain call (run once, at once). */
    final @Nullable Rerun rerun;

    TaskFuture(PoolCore pool, CheckedCallable<T> callable, CallOptions options, @Nullable Runnable given) {
        this(pool, callable, options, given, 0);
    }

    /** With {@code periodNanos} not 0, a periodic task (see {@link Rerun#periodNanos}), never retried. */
    TaskFuture(
            PoolCore pool,
            CheckedCallable<T> callable,
            CallOptions options,
            @Nullable Runnable given,
            long periodNanos) {
        this.pool = pool;
        this.callable = callable;
        this.options = options;
        this.given = given;
        RetryRules rules = periodNanos != 0 ? null : options.retry() != null ? options.retry() : pool.defaultRetry();
        if ((rules != null && rules.retries()) || options.delayNanos() > 0 || periodNanos != 0) {
            long now = submitNanos; // one clock read per submit
            this.rerun = new Rerun(rules, periodNanos, now, now + options.delayNanos());
        } else {
            this.rerun = null;
        }
    }

    /**
     * The number of the current attempt, from 1: the one running, or during a retry's backoff the
     * one waited for. Always 1 for tasks without retries.
     */
    @Override
    public int attempt() {
        Rerun r = rerun;
        return r == null ? 1 : r.attempt;
    }

    /** Nanoseconds until the task is next handed to the workers; 0 or less once it has been. */
    long nanosUntilRun() {
        Rerun r = rerun;
        return r == null ? 0 : r.nextRunNanos - System.nanoTime();
    }

    /**
     * For {@code ScheduledExecutorService}: the time left until the task is next handed to the
     * workers; zero or negative once it has been, and always zero for a call submitted without
     * a delay.
     */
    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(nanosUntilRun(), TimeUnit.NANOSECONDS);
    }

    /** Orders by {@link #getDelay}, as the JDK's scheduled futures do. */
    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Nullable
    Gate gate() {
        return options.gate();
    }

    /** What {@code shutdownNow} lists for this task: the runnable given to {@code execute}, or the task. */
    Runnable listedAs() {
        return given != null ? given : this;
    }

    // ---------------------------------------------------------------- Job: running

    @Override
    public CheckedCallable<?> callable() {
        return callable;
    }

    @Override
    public String name() {
        return options.displayName();
    }

    @Override
    public void run() {
        boolean permitDealtWith = false;
        try {
            Thread self = Thread.currentThread();
            if (!begin(self, self.getName())) {
                return;
            }
            String oldName = options.name() == null ? null : rename(self);
            T value = null;
            Throwable failure = null;
            Context c = context;
            Scope scope = null;
            try {
                if (c != null) {
                    scope = c.restore(); // a propagator that throws fails the task; the call does not run
                }
                value = callable.call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (scope != null) {
                    scope.close(); // logs, never throws
                }
                if (oldName != null) {
                    self.setName(oldName);
                }
                finishRun();
                endRun();
            }
            if (rerun != null && runsAgain(rerun, failure)) {
                permitDealtWith = true;
                return; // retried or repeated later, or settled there
            }
            if (failure == null) {
                settle(value, null);
            } else {
                settle(null, failure);
            }
        } finally {
            if (!permitDealtWith) {
                releasePermit();
            }
        }
    }

    /**
     * After a run of a task with a {@link Rerun}: hands it back to the pool for its next run, or
     * settles a failure that is not retried (carrying the earlier ones).
     *
     * @return false if the caller settles the run's outcome as usual, and gives its permit back;
     *     true if this did both, or handed the task back: the caller must then not release, for
     *     the permit it would find may be the next run's, taken by a hand-off that came first
     */
    private boolean runsAgain(Rerun r, @Nullable Throwable failure) {
        if (isDone()) {
            return false; // cancelled or timed out meanwhile: the caller's settlement just loses
        }
        long now = System.nanoTime();
        if (r.periodNanos != 0) {
            if (failure != null) {
                return false; // a periodic task that throws stops, as the JDK's do
            }
            long next = r.periodNanos > 0 ? r.nextRunNanos + r.periodNanos : now - r.periodNanos;
            r.nextRunNanos = next;
            runAgainLater(Math.max(0, next - now));
            return true;
        }
        RetryRules rules = r.rules;
        if (rules == null) {
            return false;
        }
        int attempt = r.attempt;
        Throwable f;
        if (r.timedOutAttempt == attempt) { // failed, whatever it did once interrupted, as without retries
            f = new TimeoutException("attempt " + attempt + " of task '" + name() + "' of pool '" + pool.name()
                    + "' ran past its time limit of " + Duration.ofNanos(options.timeoutNanos())
                    + " and was interrupted");
            if (failure != null) {
                f.addSuppressed(failure);
            }
        } else if (failure != null) {
            f = failure;
        } else {
            return false; // succeeded
        }
        long delay;
        try {
            delay = rules.delayAfter(attempt, f, r.startNanos, now);
        } catch (RuntimeException | Error e) {
            Log.warn("the retry predicate of task '" + name() + "' threw; the task fails without more attempts", e);
            f.addSuppressed(e);
            delay = RetryRules.GIVE_UP;
        }
        if (delay == RetryRules.GIVE_UP) {
            settle(null, r.lastOf(f));
            releasePermit(); // no next run: the permit is still this run's
            return true;
        }
        r.failed(f);
        r.nextRunNanos = now + delay;
        r.attempt = attempt + 1;
        runAgainLater(delay);
        return true;
    }

    /** The run that just ended is followed by another after {@code delayNanos}; see the class comment. */
    @SuppressWarnings("ThreadPriorityCheck") // as in finishRun: waits out a canceller between two instructions
    private void runAgainLater(long delayNanos) {
        // The run is over: its gate permit goes back before the next run can ask for one, so
        // that permitHeld always speaks of the current run's permit.
        releasePermit();
        ScheduledFuture<?> limit = timeoutHandle;
        if (limit != null) {
            limit.cancel(false);
        }
        while (true) {
            int s = (int) RUN_STATE.getVolatile(this);
            if (s == INTERRUPTING) {
                Thread.yield();
            } else if (s == NEVER) {
                return; // settled, and so never to run again
            } else if (s == NEW || RUN_STATE.compareAndSet(this, s, NEW)) {
                break;
            }
        }
        if (isDone()) {
            RUN_STATE.compareAndSet(this, NEW, NEVER);
            return;
        }
        if (!pool.handOffLater(this, delayNanos)) {
            cancelIfNotBegun(); // the pool was stopped: no more runs
        }
    }

    /** Gives this task's gate permit back, if it holds one; at most once. */
    void releasePermit() {
        Gate gate = options.gate(); // never null while a permit is held
        if (gate != null && permitHeld && PERMIT_HELD.compareAndSet(this, true, false)) {
            gate.release(pool.engine());
        }
    }

    private String rename(Thread self) {
        String old = self.getName();
        self.setName(old + "/" + options.name());
        return old;
    }

    @Override
    public boolean start(Runnable remoteInterrupter) {
        return start(remoteInterrupter, pool.kind().name());
    }

    @Override
    public boolean start(Runnable remoteInterrupter, String where) {
        if (begin(Objects.requireNonNull(remoteInterrupter, "interrupter"), Objects.requireNonNull(where, "where"))) {
            return true;
        }
        releasePermit(); // cancelled before it started: the engine is done with it
        return false;
    }

    private boolean begin(Object interrupter, String where) {
        long previousStart = this.startNanos;
        String previousWhere = this.where;
        this.interrupter = interrupter;
        this.where = where;
        this.startNanos = System.nanoTime();
        if (!RUN_STATE.compareAndSet(this, NEW, RUNNING)) {
            return false; // settled (cancelled) before it began: never run it
        }
        Rerun r = rerun;
        // A run after the first (where is set by each begin, never to null) may have been settled
        // while the timer handed it on again, by a settlement that found the run before's state
        // rather than NEW. A first run's CAS decided as any task's does: a settlement since came
        // after it began, so the call runs, its start real and told (see the class comment).
        if (r != null && previousWhere != null && isDone()) {
            // This run never calls: the timings keep the run before's start and place, which
            // the settlement's end follows (it may have been taken before this start).
            this.startNanos = previousStart;
            this.where = previousWhere;
            finishRun();
            return false;
        }
        reportStart();
        long limit = options.timeoutNanos();
        if (limit > 0) {
            try {
                // The timer thread is shared: settling runs callbacks, so it happens elsewhere.
                Runnable onTimeOut;
                if (r != null && r.rules != null) {
                    int attempt = r.attempt;
                    onTimeOut = () -> attemptTimedOut(r, attempt);
                } else {
                    onTimeOut = this::timeOut;
                }
                timeoutHandle = Timer.schedule(() -> TIME_OUTS.start(onTimeOut), limit);
            } catch (RuntimeException | Error noTimer) { // the timer thread could not start (out of memory)
                finishRun(); // not left RUNNING: the call is not run without its limit, and fails
                settle(null, noTimer);
                return false;
            }
            if (isDone()) { // settled before the handle was visible to afterSettled
                timeoutHandle.cancel(false);
            }
        }
        return true;
    }

    /** Tells the listeners that a run starts; see the run signal in the class comment. */
    private void reportStart() {
        PoolListener[] ls = pool.listeners();
        if (ls.length == 0) {
            return; // no start told, so no end to tell
        }
        runListeners = ls;
        RUN_SIGNAL.setVolatile(this, STARTING);
        pool.taskStarted(ls, this);
        if (!RUN_SIGNAL.compareAndSet(this, STARTING, OPEN)) { // a settlement asked for the end meanwhile
            runListeners = null;
            RUN_SIGNAL.setVolatile(this, IDLE);
            pool.runEnded(ls, this);
        }
    }

    /**
     * Tells the listeners that the current run ended, if its start was told and its end not yet;
     * see the run signal in the class comment. Any thread; never blocks.
     */
    private void endRun() {
        while (true) {
            int s = (int) RUN_SIGNAL.getVolatile(this);
            if (s == OPEN) {
                PoolListener[] ls = runListeners;
                if (RUN_SIGNAL.compareAndSet(this, OPEN, IDLE)) {
                    runListeners = null; // nothing starts a run before this thread hands the task back, or at all
                    pool.runEnded(Objects.requireNonNull(ls), this);
                    return;
                }
            } else if (s != STARTING || RUN_SIGNAL.compareAndSet(this, STARTING, END_ASKED)) {
                return; // none open, or the starter tells the end once it has told the start
            }
        }
    }

    // The yield waits only for a canceller that is between two instructions, as FutureTask's does.
    @SuppressWarnings("ThreadPriorityCheck")
    private void finishRun() {
        while (!RUN_STATE.compareAndSet(this, RUNNING, FINISHED)) {
            int s = (int) RUN_STATE.getVolatile(this);
            if (s == INTERRUPTING) {
                Thread.yield(); // as FutureTask does: a spin could keep a virtual canceller off the carriers
            } else if (s != RUNNING) { // not put back by a stale time limit: interrupted
                if (interrupter instanceof Thread) {
                    Thread.interrupted(); // the interrupt was for this task only
                }
                return;
            }
        }
    }

    @SuppressWarnings("ThreadPriorityCheck") // as in finishRun: waits out a time limit between two instructions
    private void interruptIfRunning() {
        while (!RUN_STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            if ((int) RUN_STATE.getVolatile(this) != INTERRUPTING) {
                return;
            }
            Thread.yield(); // a stale time limit may put RUNNING back, and this interrupt is still due
        }
        interruptNow();
    }

    /** Interrupts the run this thread moved to INTERRUPTING, then marks it INTERRUPTED. */
    private void interruptNow() {
        try {
            Object i = interrupter;
            if (i instanceof Thread t) {
                t.interrupt();
            } else if (i instanceof Runnable r) {
                r.run();
            }
        } catch (RuntimeException e) {
            Log.warn("could not interrupt task '" + name() + "'", e);
        } finally {
            RUN_STATE.setVolatile(this, INTERRUPTED);
        }
    }

    /**
     * A retried call's attempt ran past its limit: it is interrupted, and it counts as failed with
     * a {@link TimeoutException} once it returns (see {@link #runsAgain}).
     */
    void attemptTimedOut(Rerun r, int attempt) {
        if (r.attempt == attempt && !isDone()) {
            r.timedOutAttempt = attempt;
            if (RUN_STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                // The attempt may have ended, and the next one begun, since the check above: the
                // next one's number is written before it can begin, so a run still numbered
                // attempt is that attempt; any other is not this limit's to interrupt.
                if (r.attempt == attempt) {
                    interruptNow();
                } else {
                    RUN_STATE.setVolatile(this, RUNNING);
                }
            }
        }
    }

    private void timeOut() {
        Duration limit = Duration.ofNanos(options.timeoutNanos());
        if (settle(
                null,
                new TimeoutException("task '" + name() + "' of pool '" + pool.name() + "' ran past its time limit of "
                        + limit + " and was interrupted"))) {
            interruptIfRunning();
        }
    }

    /**
     * Hands a task holding a gate permit to the engine. If the engine refuses it (shut down, or it
     * cannot take this job), the task fails with the engine's exception; nothing is thrown, since
     * this may run in the thread of another task's end.
     *
     * @return false if the permit came straight back (refused, or the task was cancelled while it
     *     waited): the caller, the gate's drain loop, counts it free itself, rather than
     *     recursing through {@link Gate#release}
     */
    boolean executeHoldingPermit(Engine engine) {
        if (isDone()) {
            return false; // cancelled while it waited at the gate: the permit goes to the next
        }
        permitHeld = true;
        try {
            engine.execute(this);
            return true;
        } catch (RuntimeException | Error refused) {
            // Refused by an engine that shutdownNow stopped: not failed here, but left for
            // shutdownNow to list or the task's submit to refuse (whichever claims it first).
            if (!(refused instanceof RejectedExecutionException && pool.isStopped())) {
                settle(null, refused);
            }
            return !PERMIT_HELD.compareAndSet(this, true, false);
        }
    }

    @Override
    public StackTraceElement @Nullable [] submitSite() {
        StackTraceElement[] site = submitSite;
        StackWalker.StackFrame[] frames = submitFrames;
        if (site == null && frames != null) {
            site = new StackTraceElement[frames.length];
            for (int i = 0; i < frames.length; i++) {
                site[i] = frames[i].toStackTraceElement();
            }
            submitSite = site;
        }
        return site;
    }

    @Override
    public long timeLimitNanos() {
        return options.timeoutNanos();
    }

    @Override
    public @Nullable CarriedContext carriedContext() {
        Context c = context;
        return c == null ? null : c.carried();
    }

    /** The task's context made current for its callbacks, on the calling thread; NONE if it has none. */
    Scope callbackScope() {
        Context c = context;
        return c == null ? Scope.NONE : c.restoreForCallbacks(this);
    }

    // ---------------------------------------------------------------- settlement

    @Override
    public void succeed(@Nullable Object value) {
        endRun(); // the remote run is over, before it is followed by another or the task settles
        @SuppressWarnings("unchecked")
        T t = (T) value;
        if (rerun != null && runsAgain(rerun, null)) { // a period, or an attempt past its time limit
            return; // the permit went back there
        }
        settle(t, null);
        releasePermit(); // a remote engine reports the call's end: its permit is free again
    }

    @Override
    public void fail(Throwable error) {
        Objects.requireNonNull(error, "error");
        endRun(); // as in succeed
        if (rerun != null && runsAgain(rerun, error)) {
            return; // the permit went back there
        }
        settle(null, error);
        releasePermit();
    }

    /** Settles the future; true if this call did it. */
    boolean settle(@Nullable T value, @Nullable Throwable failure) {
        neverBegin();
        markEnded();
        boolean won = failure == null ? super.complete(value) : super.completeExceptionally(failure);
        if (won) {
            afterSettled();
        }
        return won;
    }

    /**
     * Before any settlement: a call that has not begun never will. (A read first: the runner's own
     * settlement, the usual one, finds FINISHED and pays no CAS.)
     */
    private void neverBegin() {
        if ((int) RUN_STATE.getVolatile(this) == NEW) {
            RUN_STATE.compareAndSet(this, NEW, NEVER);
        }
    }

    /** Before a settlement's completion, after its CAS out of NEW; see the class comment. */
    private void markEnded() {
        if (endNanos == 0) {
            // A release store, not a volatile one: the completion's CAS that follows is the fence
            // that publishes it, and a full fence here cost every task a second one.
            END_NANOS.setRelease(this, System.nanoTime());
        }
    }

    @Override
    public TaskTimings timings() {
        long end = endNanos; // read first: a task seen ended is seen started if it began
        boolean began = began();
        long start = began ? startNanos : 0;
        long now = end != 0 ? end : System.nanoTime();
        long queued = Math.max(0, (began ? start : now) - submitNanos);
        long ran = began ? Math.max(0, now - start) : 0;
        return new TaskTimings(
                instant(submitNanos),
                began ? instant(start) : null,
                end != 0 ? instant(end) : null,
                Duration.ofNanos(queued),
                Duration.ofNanos(ran),
                attempt(),
                began ? where : null);
    }

    private static Instant instant(long nanos) {
        return ANCHOR_TIME.plusNanos(nanos - ANCHOR_NANOS);
    }

    /** {@link #instant} as nanoseconds since the epoch: the same instant, without the object. */
    private static long epochNanos(long nanos) {
        return ANCHOR_EPOCH_NANOS + (nanos - ANCHOR_NANOS);
    }

    /** For {@code TaskNanos.submitted}: {@code timings().submitted()} in epoch nanoseconds. */
    public long submittedEpochNanos() {
        return epochNanos(submitNanos);
    }

    /** For {@code TaskNanos.started}: {@code timings().started()} in epoch nanoseconds, 0 for null. */
    public long startedEpochNanos() {
        return began() ? epochNanos(startNanos) : 0;
    }

    /** For {@code TaskNanos.ended}: {@code timings().ended()} in epoch nanoseconds, 0 for null. */
    public long endedEpochNanos() {
        long end = endNanos;
        return end == 0 ? 0 : epochNanos(end);
    }

    /** For {@code TaskNanos.where}: {@code timings().where()}. */
    public @Nullable String startedWhere() {
        return began() ? where : null;
    }

    private void afterSettled() {
        ScheduledFuture<?> h = timeoutHandle;
        if (h != null) {
            h.cancel(false);
        }
        if (rerun != null) {
            rerun.cancelTimer();
        }
        if (watchers != null) { // one volatile read when nobody waits
            runWatchers();
        }
        endRun(); // settled during a run (cancel, time limit): its end is told before the task's
        pool.taskEnded(this);
    }

    /**
     * Runs {@code hook} once when this task ends (at once, in this thread, if it has), unless
     * the returned handle removes it first. For waits that give up ({@code Tasks.await} with a
     * timeout): unlike {@code whenComplete}, a removed hook leaves nothing behind on the task.
     * The hook runs in the thread that settles the task; it must be quick and must not throw.
     * One variable holds the hooks, so a hook runs exactly once: whoever swaps the array for
     * CLOSED (the task's end, or an add that then sees the task ended) runs what it took, and an
     * add that finds CLOSED runs its hook itself.
     *
     * @return removes the hook; idempotent
     */
    @SuppressWarnings("ReferenceEquality") // identity by design: CLOSED is a sentinel, a hook is removed as itself
    public Runnable watch(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        while (true) {
            Runnable[] current = watchers;
            if (current == CLOSED) {
                hook.run(); // ended: the hooks were already taken
                return () -> {};
            }
            Runnable[] base = current == null ? NO_WATCHERS : current;
            Runnable[] next = Arrays.copyOf(base, base.length + 1);
            next[base.length] = hook;
            if (WATCHERS.compareAndSet(this, current, next)) {
                // The task may have ended after afterSettled read no hooks: both sides write their
                // volatile (result, watchers) and then read the other's, so at least one sees it.
                if (isDone()) {
                    runWatchers();
                }
                return () -> unwatch(hook);
            }
        }
    }

    /** Takes the hooks (closing the array for good) and runs them; whoever takes them runs them. */
    @SuppressWarnings("ReferenceEquality") // identity by design: CLOSED is a sentinel, a hook is removed as itself
    private void runWatchers() {
        Runnable[] hooks = (Runnable[]) WATCHERS.getAndSet(this, CLOSED);
        if (hooks == null || hooks == CLOSED) {
            return;
        }
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException | Error e) { // hooks are ours and do not throw; the pool's bookkeeping must run
                Log.warn("a wait's end hook failed for task '" + name() + "'", e);
            }
        }
    }

    @SuppressWarnings("ReferenceEquality") // identity by design: CLOSED is a sentinel, a hook is removed as itself
    private void unwatch(Runnable hook) {
        while (true) {
            Runnable[] current = watchers;
            if (current == null || current == CLOSED) {
                return; // ran, or is running, with the task's end
            }
            int at = -1;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == hook) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                return;
            }
            Runnable[] next = new Runnable[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            if (WATCHERS.compareAndSet(this, current, next)) {
                return;
            }
        }
    }

    /**
     * Cancels the task: a task not yet started never runs; with {@code mayInterruptIfRunning}, a
     * running one is interrupted. Returns true if the task is now cancelled.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) { // invokeAll and invokeAny cancel every future they made, most of them done
            return isCancelled();
        }
        return cancelWon(mayInterruptIfRunning) || isCancelled();
    }

    /**
     * For {@code shutdownNow}: if the call has not begun, makes sure it never will, and cancels
     * the task. Calls that began are left alone.
     *
     * @return true if the call never began and this cancelled the task: it goes on the list
     */
    boolean cancelIfNotBegun() {
        return RUN_STATE.compareAndSet(this, NEW, NEVER) && cancelWon(false);
    }

    /** True once the call has begun (it may have ended since); false while new or if it never will. */
    boolean began() {
        int s = runState;
        return s != NEW && s != NEVER;
    }

    /**
     * For a submit that finds the pool stopped after it handed the task on: if the call has not
     * begun (and {@code shutdownNow} did not take it first), makes sure it never will, and fails
     * the task with {@code refusal}, which the submit then throws.
     *
     * @return true if refused
     */
    boolean refuseIfNotBegun(RejectedExecutionException refusal) {
        return RUN_STATE.compareAndSet(this, NEW, NEVER) && settle(null, refusal);
    }

    /**
     * For {@code shutdownNow}: marks a task whose call runs as cancelled, without interrupting
     * it yet, so that its worker stays busy (and takes no queued call) until the engine has
     * stopped; {@link #interruptAfterCancel} then interrupts it.
     */
    void cancelBeforeInterrupt() {
        cancelWon(false);
    }

    /** Interrupts the call of a task cancelled by {@link #cancelBeforeInterrupt}, if it runs. */
    void interruptAfterCancel() {
        if (isCancelled()) {
            interruptIfRunning();
        }
    }

    private boolean cancelWon(boolean mayInterruptIfRunning) {
        neverBegin();
        markEnded();
        boolean won = super.completeExceptionally(new CancellationException("task '" + name() + "' was cancelled"));
        if (won) {
            if (mayInterruptIfRunning) {
                interruptIfRunning();
            }
            afterSettled();
        }
        return won;
    }

    @Override
    public boolean complete(T value) {
        return settle(value, null);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return settle(null, Objects.requireNonNull(ex, "ex"));
    }

    /** Unsupported: a task's outcome, once settled, is final (callbacks have seen it). */
    @Override
    public void obtrudeValue(T value) {
        throw new UnsupportedOperationException("a task's result cannot be overwritten");
    }

    /** Unsupported: a task's outcome, once settled, is final (callbacks have seen it). */
    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a task's result cannot be overwritten");
    }

    /** Unsupported: a task completes by running its call, through its pool. */
    @Override
    public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier) {
        throw new UnsupportedOperationException("a task completes by running its call; use complete(value)");
    }

    /** Unsupported: a task completes by running its call, through its pool. */
    @Override
    public CompletableFuture<T> completeAsync(
            java.util.function.Supplier<? extends T> supplier, java.util.concurrent.Executor executor) {
        throw new UnsupportedOperationException("a task completes by running its call; use complete(value)");
    }

    /** Dependent stages are plain CompletableFutures: they do not run in the pool. */
    @Override
    public <U extends @Nullable Object> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    // ---------------------------------------------------------------- Python's vocabulary

    @Override
    public T result() {
        try {
            return get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while waiting for task '" + name() + "'", e);
        }
    }

    @Override
    public T result(Duration timeout) {
        long nanos = Waits.checkTimeout(timeout);
        try {
            return get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while waiting for task '" + name() + "'", e);
        } catch (TimeoutException e) {
            throw new WaitTimeoutException("task '" + name() + "' did not end within " + timeout);
        }
    }

    @Override
    public @Nullable Throwable exception() {
        try {
            get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while waiting for task '" + name() + "'", e);
        }
    }

    @Override
    public @Nullable Throwable exception(Duration timeout) {
        long nanos = Waits.checkTimeout(timeout);
        try {
            get(nanos, TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while waiting for task '" + name() + "'", e);
        } catch (TimeoutException e) {
            throw new WaitTimeoutException("task '" + name() + "' did not end within " + timeout);
        }
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the stage ends with this task; runCallback logs failures
    public Task<T> onDone(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        whenComplete((v, e) -> {
            Scope context = callbackScope();
            try {
                Log.runCallback(callback, this);
            } finally {
                context.close();
            }
        });
        return this;
    }

    /** Rethrows a task's failure as {@link Task#result()} documents. */
    static RuntimeException rethrow(@Nullable Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new TaskException(String.valueOf(failure), failure);
    }

    @Override
    public String toString() {
        return "Task[" + name() + ", " + state() + "]";
    }
}
