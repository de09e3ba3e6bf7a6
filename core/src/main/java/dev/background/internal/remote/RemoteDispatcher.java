package dev.background.internal.remote;

import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The scheduling of remote jobs, free of any transport: a queue of calls and the workers that run
 * them, with calls sent ahead of what a worker runs at once by a send-ahead policy
 * ({@link Pacing}: a fixed number, or the bandwidth-delay rule), in batches (a busy worker is
 * topped up, in one go, once fewer than half of what may be sent ahead to it is waiting). A
 * {@link RemoteTransport} feeds the workers and reports what they say through the {@code on*}
 * methods; a {@link Scheduler} supplies time, so that tests drive every path with a fake
 * transport and a manual clock.
 *
 * <p>Two kinds of workers ({@link Workers}), one per remote kind:
 * <ul>
 * <li>{@link Workers#STARTED} (worker processes, {@link #started}): the dispatcher starts up to
 * {@code n} workers through the transport ({@link StartedWorkers}), each running one call at a time; a call sent ahead is started when the
 * worker reports that it began it; a worker's death costs the call it was running an attempt.
 * <li>{@link Workers#REPORTED} (cluster members, {@link #reported}): the transport
 * ({@link ReportedWorkers}) reports workers as they join
 * ({@link #onJoined}) and leave ({@link #onLeft}), or as it finds them in or missing from a list
 * of the members ({@link #onListed}, {@link #onUnlisted}), which never undoes a join or leave
 * taken after the list was read ({@link #membershipVersion}); the dispatcher never starts one. Each runs up
 * to {@code n} calls at once (fewer if it says it has fewer threads), so a member is one worker
 * here, not {@code n} workers sharing a connection: what is decided per member (its send-ahead,
 * which grows with its threads; its loss, which takes all its calls; being faulty or leaving;
 * choosing the least loaded member) stays one decision, and a resize changes one number. Calls
 * are started when sent (members do not report when they begin one), so a call with a time limit
 * waits for a free thread rather than being sent ahead. A member's loss charges no call: all it
 * held go back to the front of the queue (at least once; the first answer settles the job, a
 * later one is ignored). A send that fails for loss of the member makes it <i>suspect</i>:
 * skipped for {@value #SUSPECT_MILLIS} ms, twice as long at each new suspicion until it answers
 * (up to twice the member wait, or {@value #MAX_SUSPECT_MILLIS} ms without one); a member found
 * faulty ({@link #onFaulty}) is never used again, even if reported again; one that declines a
 * call ({@link #onDeclined}) is leaving and takes no more. The member wait runs exactly while no
 * member is usable: it starts when the last usable one becomes unusable (it leaves, is found
 * faulty, declines a call or becomes suspect, or there is none from the start) and restarts
 * whenever one is usable again, whichever way (a join, a suspicion over), and at every answer.
 * A member that stays listed but loses every send is thus soon suspect for longer than the
 * member wait, so its calls fail rather than bounce for ever. Once the wait has lasted
 * {@code memberWaitNanos} (checked at each submit and every {@value #MEMBER_CHECK_MILLIS} ms),
 * the queued calls and new ones fail with {@link ReportedWorkers#unavailable}.
 * </ul>
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Lock.</b> One monitor ({@code this}) guards the queue, the worker list, every worker's
 * in-flight map and counters, the start-failure count, the faulty set, the membership versions,
 * every member's suspicion (and whether its timer is pending), the member-wait state,
 * {@link Pacing} (not thread-safe itself) and the lifecycle flags. Sends, closes and settlements
 * (which run user callbacks) are collected in an {@link Effects} and done once it is released.
 * Only {@link StartedWorkers#start} runs under it. {@link Job#start} of a call sent to run at
 * once is an effect too, done before the sends, since a start may run foreign code: a start
 * refused (the job was cancelled meanwhile) frees the task's concurrency permit, which may hand
 * the next task to the engine in this thread. Such a submit only queues its call, and the run
 * that started dispatches it after its own sends, so that its sends never overtake them (a
 * started worker runs its calls in the order sent); a refused call is not sent, and is taken off
 * its worker then.
 * <li><b>Ordering (started workers).</b> A worker runs its calls in the order sent and answers
 * each before it begins the next, so the oldest entry of its in-flight map is the one it is
 * running, if that one has started; when it dies, that call died with it and the later ones never
 * began: they go back to the front of the queue.
 * <li><b>Started.</b> A call sent to an idle, ready worker ({@link Op#RUN}) is started
 * ({@link Job#start}) when sent. One sent ahead to a busy or booting worker ({@link Op#RUN_AHEAD})
 * is started when the worker reports it ({@link #onStarted}), so that neither a JVM start nor a
 * wait behind another call counts against a time limit. A call sent ahead and settled before that
 * (cancel) is dropped ({@link Op#DROP}) from the cancelling thread, before {@code cancel} returns.
 * A call sent to a reported worker is always started when sent ({@link Op#RUN}). A {@link Call}
 * is started once; after a death or a loss it may be sent again without a second start, so its
 * interrupter and time limit stay valid.
 * <li><b>Ownership.</b> A call is in at most one place: the queue, or one worker's in-flight map.
 * Whoever removes it from there under the lock (an answer, a recall, the death or loss handling,
 * {@link #release}) owns it and alone decides what happens next; a late report about it finds it
 * gone and does nothing. A report about a reported worker's call names the send it is about
 * ({@link Send#seq}): one about an earlier send of a call sent again to the same member (it left
 * and joined again) finds it gone too. One exception, for reported workers: an outcome
 * ({@link #onOutcome}) from a member whose loss already requeued the call is still a true answer:
 * it marks the call answered and takes it out of the queue, so that it is never sent again, and
 * it settles the job (taking it out of the queue is linear, but only happens on this rare path).
 * Only a call's first outcome settles its job; a second one, from a copy sent again, is dropped.
 * <li><b>Stealing (started workers).</b> With nothing queued and a worker free (or room for one), calls sent ahead
 * to a worker busy with one call for over {@value #STEAL_AFTER_MILLIS} ms are taken back
 * ({@link Op#RECALL}, answered by {@link #onRecalled} if not begun) and dispatched again; checked
 * at every dispatch and every 20 ms.
 * <li><b>Start-up deaths (started workers).</b> A worker that exits before it reports ready charges no attempt to
 * any call: what it held goes back to the queue. Such deaths are counted per pool and reset by
 * any ready report; each delays the next start (backoff, doubling up to
 * {@value #MAX_BACKOFF_MILLIS} ms), and after {@code startFailuresToGiveUp} in a row, with no
 * ready worker left to run them, the waiting calls fail with the last death's message (a bad JVM
 * option, a missing class path). A worker killed by a signal before it was ready was killed from
 * outside, not broken by its configuration: it delays the next start but fails no call.
 * <li><b>Workers</b> (started) count against {@code n} from start until closed; a closing worker
 * (recycled, resized away, shutting down) takes no new calls and is closed once it has none.
 * Every exit is reported by the transport ({@link #onExit}); one the dispatcher did not ask for
 * is a death.
 * <li><b>Events.</b> A started worker's first ready report is told to the pool as started; its
 * exit as stopped if it was closed or killed on purpose (retired, stuck), else as died (even while
 * it was closing, say recycled, with calls still to answer), before the calls it took down are
 * failed. A reported worker's join and leave are told as a member joined and left. All are told
 * once the lock is released, named by {@link RemoteTransport#where}; so a join and a leave of the
 * same member reported at once from two threads may reach listeners in either order.
 * <li><b>Timers.</b> Backoff, suspicion, the member wait, stealing and idle checks run on the
 * {@link Scheduler}; each takes the lock briefly and then does its effects like any report. The
 * settlements of effects made on the timer (a dispatch after a backoff or a suspicion that finds
 * no worker can be started, the member wait's failures, a call interrupted while back in the
 * queue) run user callbacks, so they go to {@link Scheduler#settle}, off the shared timer thread
 * ({@code Effects.onTimer}); its sends and starts (which tell listeners, who must not block) stay
 * on it.
 * <li><b>Termination</b>: shut down, queue empty, and every started worker seen to exit (reported
 * workers: no call in flight); checked at every dispatch, which every path that changes the
 * queue or a worker's calls ends with (or, where it does not dispatch, checked there).
 * {@link RemoteTransport#terminated} is then told once, outside the lock, after the
 * settlements of the same effects (an outcome, a released call's failure, the member wait's
 * failures), so that no job is still unsettled once the pool says it terminated.
 * </ul>
 *
 * @param <W> the transport's handle of one worker
 * @param <P> the transport's payload of one call
 */
public final class RemoteDispatcher<W, P> {

    /** A worker busy this long with one call has the calls sent ahead to it taken back for idle workers. */
    static final long STEAL_AFTER_MILLIS = 2;

    private static final long STEAL_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(STEAL_AFTER_MILLIS);
    private static final long STEAL_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long FIRST_BACKOFF_MILLIS = 50;
    static final long MAX_BACKOFF_MILLIS = 1_000;
    /** A reported worker whose send failed for loss of it is skipped this long (its first suspicion since it last answered). */
    static final long SUSPECT_MILLIS = 1_000;
    /** The longest suspicion without a member wait (with one: twice the wait). */
    static final long MAX_SUSPECT_MILLIS = 30_000;
    /** How often the member wait is checked. */
    static final long MEMBER_CHECK_MILLIS = 200;

    /** Who brings the workers; see the overview. */
    public enum Workers {
        /** The dispatcher starts them (up to {@code n}, one call at a time each): worker processes. */
        STARTED,
        /** The transport reports them as they join and leave ({@code n} calls at once each): cluster members. */
        REPORTED
    }

    /**
     * How the dispatcher treats its workers.
     *
     * @param eager start workers at once, and replace dead ones at once
     * @param maxTasksPerWorker recycle a worker after this many calls, 0 for never
     * @param idleTimeoutNanos retire workers idle this long, 0 for never
     * @param retries reruns of a call whose worker died while running it
     * @param cancelGraceNanos time an interrupted call has to stop before its worker is killed
     * @param prefetch calls sent ahead to a worker beyond what it runs at once, or -1 for the
     *     automatic rule of {@link Pacing}
     * @param startFailuresToGiveUp start-up deaths in a row after which waiting calls fail
     * @param workers who brings the workers
     * @param memberWaitNanos reported workers: how long calls wait while no worker is usable, 0 for ever
     */
    public record Policy(
            boolean eager,
            int maxTasksPerWorker,
            long idleTimeoutNanos,
            int retries,
            long cancelGraceNanos,
            int prefetch,
            int startFailuresToGiveUp,
            Workers workers,
            long memberWaitNanos) {

        /**
         * A policy for workers the dispatcher starts (worker processes).
         *
         * @param eager start workers at once, and replace dead ones at once
         * @param maxTasksPerWorker recycle a worker after this many calls, 0 for never
         * @param idleTimeoutNanos retire workers idle this long, 0 for never
         * @param retries reruns of a call whose worker died while running it
         * @param cancelGraceNanos time an interrupted call has to stop before its worker is killed
         * @param prefetch calls sent ahead to a busy worker
         * @param startFailuresToGiveUp start-up deaths in a row after which waiting calls fail
         */
        public Policy(
                boolean eager,
                int maxTasksPerWorker,
                long idleTimeoutNanos,
                int retries,
                long cancelGraceNanos,
                int prefetch,
                int startFailuresToGiveUp) {
            this(
                    eager,
                    maxTasksPerWorker,
                    idleTimeoutNanos,
                    retries,
                    cancelGraceNanos,
                    prefetch,
                    startFailuresToGiveUp,
                    Workers.STARTED,
                    0);
        }

        /**
         * A policy for workers the transport reports (cluster members): nothing is started,
         * retired or killed, and a lost member's calls run again elsewhere with no attempt charged.
         *
         * @param prefetch calls sent ahead to a member beyond {@code n}, or -1 for the automatic rule
         * @param memberWaitNanos how long calls wait while no member is usable, 0 for ever
         * @return the policy
         */
        public static Policy members(int prefetch, long memberWaitNanos) {
            return new Policy(false, 0, 0, 0, 0, prefetch, 0, Workers.REPORTED, memberWaitNanos);
        }
    }

    /** What the transport writes to a worker. */
    public enum Op {
        /** A call counted as started: the worker runs it as soon as it is free. */
        RUN,
        /** A call sent ahead: the worker reports when it begins it ({@link #onStarted}). */
        RUN_AHEAD,
        /** Interrupt a running call. */
        INTERRUPT,
        /**
         * Drop a call sent ahead and cancelled before it began; it must never begin (the process
         * kind also sets a flag the worker checks before it begins a call sent ahead).
         */
        DROP,
        /** Take back a call sent ahead if not begun (answered by {@link #onRecalled}). */
        RECALL
    }

    /**
     * One thing to write to a worker.
     *
     * @param op what to do
     * @param id the call's id
     * @param call the call, for {@link Op#RUN}, {@link Op#RUN_AHEAD} and {@link Op#INTERRUPT}; else null
     * @param seq for {@link Op#RUN} and {@link Op#RUN_AHEAD}: which send of the call this is (1 for
     *     its first), so that a report about a reported worker's call is matched to the send it is
     *     about; 0 for the other ops
     * @param toFreeThread for {@link Op#RUN} and {@link Op#RUN_AHEAD}: whether the worker had a
     *     free thread for the call when it was sent (rather than the call waiting there behind
     *     others), by the dispatcher's count; false for the other ops
     * @param <P> the transport's payload
     */
    public record Send<P>(Op op, long id, @Nullable Call<P> call, long seq, boolean toFreeThread) {
        /**
         * A send that is not to a free thread.
         *
         * @param op what to do
         * @param id the call's id
         * @param call the call, or null
         * @param seq which send of the call this is, or 0
         */
        public Send(Op op, long id, @Nullable Call<P> call, long seq) {
            this(op, id, call, seq, false);
        }
    }

    /**
     * One job on its way through the dispatcher, with the transport's payload.
     *
     * @param <P> the transport's payload
     */
    public static final class Call<P> {
        private final Job job;
        private final P payload;
        private final long id;
        private final Runnable interrupter;
        // dispatcher lock
        private boolean started;
        private long startedNanos;
        private boolean recalling;
        private boolean listening;
        private int attempts;
        private @Nullable Slot<?, P> worker;
        /** Reported workers: an outcome is in hand (the first settled the job): never send it again. */
        private boolean answered;
        /** How many times it was sent: its latest send's {@link Send#seq}. */
        private long sendSeq;
        /** When it was last sent, and whether its worker had a free thread then (for {@link Pacing}). */
        private long sentNanos;

        private boolean clean;

        Call(Job job, P payload, long id, RemoteDispatcher<?, P> d) {
            this.job = job;
            this.payload = payload;
            this.id = id;
            this.interrupter = () -> d.scheduler.execute(() -> d.interrupt(this, true));
        }

        /**
         * The job.
         *
         * @return the job
         */
        public Job job() {
            return job;
        }

        /**
         * The transport's payload.
         *
         * @return the payload
         */
        public P payload() {
            return payload;
        }
    }

    /** The dispatcher's view of one worker. */
    private static final class Slot<W, P> {
        final W handle;
        final LinkedHashMap<Long, Call<P>> inflight = new LinkedHashMap<>();
        /** Calls it runs at once by its own account: 1 for a started worker. */
        final int threads;

        int sent;
        /** Not sent to before this time (reported workers: a send to it failed for its loss). */
        long suspectUntil;
        /** Reported workers: suspicions since it last answered; each lasts twice the one before. */
        int suspicions;
        /** Reported workers: a timer will look at it when its suspicion is over ({@link #suspicionOver}). */
        boolean suspicionTimer;

        /** Takes no new calls; closed once it has none. */
        boolean closing;
        /** Closed, or about to be: its exit is expected. */
        boolean closed;
        /** Being killed on purpose (retired by the transport, or stuck): its exit is a stop, not a death. */
        boolean killed;

        boolean ready;
        long idleSinceNanos;

        Slot(W handle, int threads, long now) {
            this.handle = handle;
            this.threads = threads;
            this.idleSinceNanos = now;
            this.suspectUntil = now;
        }
    }

    /** A call to start once the lock is released, before its send {@code seq} to {@code slot}, named {@code where}. */
    private record Start<W, P>(Call<P> call, Slot<W, P> slot, long seq, String where) {}

    /** What to do once the lock is released, in this order: starts, sends, closes, settlements, the rest (termination last). */
    private final class Effects {
        final List<Start<W, P>> starts = new ArrayList<>();
        final Map<Slot<W, P>, List<Send<P>>> sends = new LinkedHashMap<>();
        final List<W> toClose = new ArrayList<>();
        /** Jobs dispatching dropped: settled (cancelled) while queued, or no worker could be started. */
        final List<Call<P>> dropped = new ArrayList<>();
        /** Jobs settled with their outcome; before {@link #after}, which may tell termination. */
        final List<Runnable> settlements = new ArrayList<>();

        final List<Runnable> after = new ArrayList<>();
        /**
         * Made on the scheduler's timer thread: the settlements (and what follows them) go to
         * {@link Scheduler#settle}, since they run user callbacks and the timer is every pool's.
         */
        boolean onTimer;

        void send(Slot<W, P> s, Send<P> send) {
            sends.computeIfAbsent(s, k -> new ArrayList<>()).add(send);
        }

        void close(Slot<W, P> s) {
            toClose.add(s.handle);
        }
    }

    private final String poolName;
    private final Policy policy;
    private final RemoteTransport<W, P> transport;
    /** The same transport, for started workers; else null. */
    private final @Nullable StartedWorkers<W, P> starter;
    /** The same transport, for reported workers; else null. */
    private final @Nullable ReportedWorkers<W, P> reporter;

    private final Scheduler scheduler;
    private final EngineEvents events;
    private final Pacing pacing;
    private final boolean reported;

    private final ArrayDeque<Call<P>> queue = new ArrayDeque<>();
    private final List<Slot<W, P>> workers = new ArrayList<>();
    /** Every worker whose exit has not been reported yet, open or closed. */
    private final Map<W, Slot<W, P>> alive = new HashMap<>();
    /** Reported workers found faulty: never used again. */
    private final Set<W> faulty = new HashSet<>();
    /**
     * Reported workers: the membership's version at each one's latest join or leave taken, so
     * that a list read before it cannot undo it; kept for every worker ever seen, as {@link #faulty}.
     */
    private final Map<W, Long> changedAt = new HashMap<>();
    /** Reported workers: joins and leaves taken ({@link #membershipVersion}). */
    private long membership;
    /** Reported workers: the membership's version when all left at once ({@link #onAllLeft}). */
    private long allLeftAt;

    private final CountDownLatch terminated = new CountDownLatch(1);
    /** The dispatcher whose job starts this thread is running ({@link #run}), if any. */
    private static final ThreadLocal<@Nullable Object> STARTING = new ThreadLocal<>();
    /** A submit came from a job start in {@link #run} (a permit handed on): it waits for that run's dispatch. */
    private boolean queuedDuringStarts;

    private int n;
    private int workerSeq;
    private long callSeq;
    private boolean shutdown;
    /** The last failure to start a worker at all, for the calls that needed it. */
    private @Nullable Exception spawnError;
    /** Start-up deaths since a worker last reported ready. */
    private int startFailures;
    /** No worker is started before this time (backoff after start-up deaths). */
    private long nextStartNanos;

    private boolean startRetryScheduled;
    /** Reported workers: whether the member wait runs (no worker usable, nor an answer, since {@link #unavailableSinceNanos}). */
    private boolean unavailable;

    private long unavailableSinceNanos;

    private RemoteDispatcher(
            String poolName,
            int n,
            Policy policy,
            RemoteTransport<W, P> transport,
            @Nullable StartedWorkers<W, P> starter,
            @Nullable ReportedWorkers<W, P> reporter,
            Scheduler scheduler,
            EngineEvents events) {
        this.poolName = poolName;
        this.n = n;
        this.policy = policy;
        this.transport = transport;
        this.starter = starter;
        this.reporter = reporter;
        this.scheduler = scheduler;
        this.events = events;
        this.nextStartNanos = scheduler.nanoTime();
        this.pacing = new Pacing(policy.prefetch());
        this.reported = reporter != null;
    }

    /**
     * Creates a dispatcher of workers that it starts itself (worker processes); {@link #start}
     * then starts it.
     *
     * @param poolName the pool's name, for messages
     * @param n how many workers at most
     * @param policy how to treat workers: one for {@link Workers#STARTED}
     * @param transport starts and feeds the workers
     * @param scheduler time and deferred work
     * @param events where workers starting, dying and being stopped are reported
     * @param <W> the transport's handle of one worker
     * @param <P> the transport's payload of one call
     * @return the dispatcher
     * @throws IllegalArgumentException if the policy is for reported workers (or has a member wait)
     */
    public static <W, P> RemoteDispatcher<W, P> started(
            String poolName,
            int n,
            Policy policy,
            StartedWorkers<W, P> transport,
            Scheduler scheduler,
            EngineEvents events) {
        if (policy.workers() != Workers.STARTED || policy.memberWaitNanos() != 0) {
            throw new IllegalArgumentException("policy is not one for started workers: " + policy);
        }
        return new RemoteDispatcher<>(poolName, n, policy, transport, transport, null, scheduler, events);
    }

    /**
     * Creates a dispatcher of workers that the transport reports as they join and leave (cluster
     * members); {@link #start} then starts it.
     *
     * @param poolName the pool's name, for messages
     * @param n how many calls each worker runs at once
     * @param policy how to treat workers: one from {@link Policy#members}
     * @param transport reports and feeds the workers
     * @param scheduler time and deferred work
     * @param events where members joining and leaving are reported
     * @param <W> the transport's handle of one worker
     * @param <P> the transport's payload of one call
     * @return the dispatcher
     * @throws IllegalArgumentException if the policy is for started workers
     */
    public static <W, P> RemoteDispatcher<W, P> reported(
            String poolName,
            int n,
            Policy policy,
            ReportedWorkers<W, P> transport,
            Scheduler scheduler,
            EngineEvents events) {
        if (policy.workers() != Workers.REPORTED) {
            throw new IllegalArgumentException("policy is not one for reported workers: " + policy);
        }
        return new RemoteDispatcher<>(poolName, n, policy, transport, null, transport, scheduler, events);
    }

    /** The transport of started workers: only they are started, closed, killed, or die. */
    private StartedWorkers<W, P> starter() {
        if (starter == null) {
            throw new IllegalStateException("pool '" + poolName + "' has reported workers, never started ones");
        }
        return starter;
    }

    /** The transport of reported workers: only they have a member wait. */
    private ReportedWorkers<W, P> reporter() {
        if (reporter == null) {
            throw new IllegalStateException("pool '" + poolName + "' has started workers, never reported ones");
        }
        return reporter;
    }

    /**
     * Starts the dispatcher: with an eager policy, its workers, and its periodic checks (idle
     * workers, stealing, the member wait). Separate from the constructor so that a transport's reader threads,
     * started with the first workers, find the dispatcher in place. Call once.
     */
    public void start() {
        synchronized (this) {
            fillEagerLocked();
            noteUsabilityLocked(scheduler.nanoTime()); // no member yet: the member wait starts
        }
        if (policy.idleTimeoutNanos() > 0) {
            long period = Math.max(policy.idleTimeoutNanos() / 4, TimeUnit.MILLISECONDS.toNanos(20));
            scheduler.schedule(() -> every(period, this::retireIdle), period);
        }
        if (policy.prefetch() > 0 && !reported) {
            scheduler.schedule(() -> every(STEAL_PERIOD_NANOS, this::stealForIdleWorkers), STEAL_PERIOD_NANOS);
        }
        if (policy.memberWaitNanos() > 0) {
            long period = TimeUnit.MILLISECONDS.toNanos(MEMBER_CHECK_MILLIS);
            scheduler.schedule(() -> every(period, this::expireIfUnavailable), period);
        }
    }

    private void every(long periodNanos, Runnable check) {
        if (!isTerminated()) {
            check.run();
            scheduler.schedule(() -> every(periodNanos, check), periodNanos);
        }
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Accepts a job; it is sent to a worker as soon as one has room, its sends done in this
     * thread before this returns. With reported workers and none usable for the member wait, the
     * job fails at once instead ({@link ReportedWorkers#unavailable}), in this thread.
     *
     * @param job the job
     * @param payload its serialised call
     * @throws RejectedExecutionException if shut down
     */
    public void execute(Job job, P payload) {
        Effects fx = new Effects();
        boolean refused;
        synchronized (this) {
            if (shutdown) {
                throw rejected();
            }
            refused = unavailableTooLongLocked(scheduler.nanoTime());
            if (!refused) {
                queue.addLast(new Call<>(job, payload, ++callSeq, this));
                if (STARTING.get() == this) { // from a start in run: dispatched after its sends
                    queuedDuringStarts = true;
                } else {
                    dispatchLocked(fx);
                }
            }
        }
        if (refused) {
            job.fail(reporter().unavailable(job));
        }
        run(fx);
    }

    /**
     * Tells whether {@link #shutdown} or {@link #shutdownNow} was called.
     *
     * @return true once shut down
     */
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    /**
     * The exception for a job submitted after shutdown.
     *
     * @return the exception
     */
    public RejectedExecutionException rejected() {
        return new RejectedExecutionException("background pool '" + poolName + "' is shut down and takes no new tasks");
    }

    // ------------------------------------------------------------------ dispatching

    /**
     * Sends queued calls to workers with room, starting workers up to {@code n}. Calls that found
     * no worker because one could not be started, or that were settled while queued, go to
     * {@code fx.dropped}. Then checks for termination, since a dropped call may have been the
     * last: every path that changes the queue or a worker's calls dispatches.
     */
    private void dispatchLocked(Effects fx) {
        while (!queue.isEmpty()) {
            Call<P> r = queue.peekFirst();
            if (r.job.isDone()) { // settled while queued: told below that we are done with it
                queue.pollFirst();
                fx.dropped.add(r);
                continue;
            }
            Slot<W, P> w;
            try {
                w = pickLocked(r, fx);
            } catch (IOException | RuntimeException e) {
                queue.pollFirst();
                fx.dropped.add(r);
                spawnError = e;
                continue;
            }
            if (w == null) {
                break;
            }
            queue.pollFirst();
            long now = scheduler.nanoTime();
            boolean ahead = !reported && (!w.inflight.isEmpty() || !w.ready); // members never say when they begin
            boolean startNow = !ahead && !r.started; // once the lock is released, before it is sent
            if (startNow) {
                r.started = true;
                r.startedNanos = now;
            }
            if (ahead && !r.started && !r.listening && r.job instanceof CompletionStage<?> stage) {
                r.listening = true; // a call cancelled while it waits in a worker must never begin
                stage.whenComplete((v, e) -> {
                    if (Thread.holdsLock(this)) {
                        scheduler.execute(
                                () -> dropIfNotBegun(r)); // settled during this dispatch: never send under the lock
                    } else {
                        dropIfNotBegun(r); // in the cancelling thread: the worker hears of it before cancel returns
                    }
                });
            }
            r.clean = w.inflight.size() < running(w);
            r.sentNanos = now;
            w.inflight.put(r.id, r);
            r.worker = w;
            r.recalling = false;
            w.sent++;
            if (policy.maxTasksPerWorker() > 0 && w.sent >= policy.maxTasksPerWorker()) {
                w.closing = true;
            }
            r.sendSeq++;
            if (startNow) {
                fx.starts.add(new Start<>(r, w, r.sendSeq, transport.where(w.handle)));
            }
            fx.send(w, new Send<>(ahead ? Op.RUN_AHEAD : Op.RUN, r.id, r, r.sendSeq, r.clean));
        }
        if (queue.isEmpty() && !reported) {
            stealLocked(fx);
        }
        checkTerminatedLocked(fx);
    }

    /**
     * For {@code r}: the least loaded usable worker with a free thread, else (started workers) a
     * new one if under n and not backing off, else the least loaded one with send-ahead room
     * ({@link #roomLocked}). A call with a time limit that starts when sent (reported workers)
     * only goes to a free thread: sent ahead, its time would run while it waits on the member.
     */
    private @Nullable Slot<W, P> pickLocked(Call<P> r, Effects fx) throws IOException {
        long now = scheduler.nanoTime();
        Slot<W, P> free = null;
        for (Slot<W, P> w : workers) {
            int load = w.inflight.size();
            if (usable(w, now) && load < running(w) && (free == null || load < free.inflight.size())) {
                free = w;
            }
        }
        if (free != null) {
            return free;
        }
        if (!reported && workers.size() < n && mayStartLocked()) {
            return startLocked();
        }
        if (reported && r.job.timeLimitNanos() > 0) {
            return null;
        }
        Slot<W, P> best = null;
        for (Slot<W, P> w : workers) {
            if (usable(w, now) && roomLocked(w, fx) && (best == null || w.inflight.size() < best.inflight.size())) {
                best = w;
            }
        }
        return best;
    }

    /**
     * Whether a worker may take one more call ahead: it holds fewer than its base ({@code n} for
     * a member, 1 for a started worker) plus what {@link #pacing} sends ahead, and fewer than half
     * of that send-ahead is waiting, or it is being topped up in this same dispatch. So a worker
     * is topped up in one batch once it has run down to half, and sends and answers share writes.
     */
    private boolean roomLocked(Slot<W, P> w, Effects fx) {
        int load = w.inflight.size();
        int base = reported ? n : 1;
        int ahead = pacing.prefetch(base, w.threads);
        return load < base + ahead && (load - base < ahead / 2 || fx.sends.containsKey(w));
    }

    /** Calls a worker runs at once. */
    private int running(Slot<W, P> w) {
        return reported ? Math.min(n, w.threads) : 1;
    }

    private static boolean usable(Slot<?, ?> w, long now) {
        return !w.closing && now - w.suspectUntil >= 0;
    }

    /** Whether a worker may start now; if not (backoff), a dispatch is scheduled for when it may. */
    private boolean mayStartLocked() {
        long wait = nextStartNanos - scheduler.nanoTime();
        if (wait <= 0) {
            return true;
        }
        if (!startRetryScheduled) {
            startRetryScheduled = true;
            scheduler.schedule(this::retryStart, wait);
        }
        return false;
    }

    private void retryStart() {
        synchronized (this) {
            startRetryScheduled = false;
        }
        redispatch();
    }

    /** Dispatches again: a timer found that a worker may be started or used again. */
    private void redispatch() {
        Effects fx = new Effects();
        fx.onTimer = true; // a call that finds no worker now (one cannot be started) fails here
        synchronized (this) {
            fillEagerLocked();
            dispatchLocked(fx);
        }
        run(fx);
    }

    private void fillEagerLocked() {
        while (policy.eager() && !shutdown && workers.size() < n && mayStartLocked()) {
            try {
                startLocked();
            } catch (IOException | RuntimeException e) {
                spawnError = e;
                return; // calls will report it when they need a worker
            }
        }
    }

    private Slot<W, P> startLocked() throws IOException {
        workerSeq++;
        W handle = starter().start(poolName + "-worker-" + workerSeq);
        Slot<W, P> w = new Slot<>(handle, 1, scheduler.nanoTime());
        workers.add(w);
        alive.put(handle, w);
        return w;
    }

    /**
     * With a worker idle (or room for one) and nothing queued, takes back the calls sent ahead to
     * workers that have been busy with one call for a while, so that they run on the idle worker.
     */
    private void stealLocked(Effects fx) {
        boolean room = workers.size() < n; // a worker may be started for them
        for (Slot<W, P> w : workers) {
            room |= !w.closing && w.inflight.isEmpty();
        }
        if (!room) {
            return;
        }
        long now = scheduler.nanoTime();
        for (Slot<W, P> w : workers) {
            if (w.inflight.size() < 2) {
                continue;
            }
            Call<P> head = w.inflight.values().iterator().next();
            if (!head.started || now - head.startedNanos < STEAL_AFTER_NANOS) {
                continue;
            }
            for (Call<P> r : w.inflight.values()) {
                if (r != head && !r.started && !r.recalling) {
                    r.recalling = true;
                    fx.send(w, new Send<>(Op.RECALL, r.id, null, 0));
                }
            }
        }
    }

    private void stealForIdleWorkers() {
        Effects fx = new Effects();
        synchronized (this) {
            if (queue.isEmpty()) {
                stealLocked(fx);
            }
        }
        run(fx);
    }

    /** For a call sent ahead that was settled (cancelled): its worker drops it if not begun. */
    private void dropIfNotBegun(Call<P> r) {
        Slot<?, P> w;
        synchronized (this) {
            w = r.worker;
            if (r.started || w == null || !w.inflight.containsKey(r.id)) {
                return;
            }
        }
        sendTo(w, new Send<>(Op.DROP, r.id, null, 0));
    }

    @SuppressWarnings("unchecked") // every slot of this dispatcher holds a W
    private void sendTo(Slot<?, P> w, Send<P> send) {
        transport.send((W) w.handle, List.of(send));
    }

    // ------------------------------------------------------------------ reports from workers

    /**
     * A worker reports that it is ready: its start-up went well.
     *
     * @param worker the worker
     */
    public void onReady(W worker) {
        Effects fx = new Effects();
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            if (w == null || w.ready) { // a repeated report is a worker's business, not a second start
                return;
            }
            w.ready = true;
            startFailures = 0;
            nextStartNanos = scheduler.nanoTime();
            dispatchLocked(fx); // workers held back by a backoff may start now
        }
        events.workerStarted(transport.where(worker));
        run(fx);
    }

    /**
     * A call sent ahead has begun: it counts as started now (its time limit runs from here).
     *
     * @param worker the worker
     * @param id the call's id
     * @return false if the worker was not running that call (a protocol error)
     */
    public boolean onStarted(W worker, long id) {
        Call<P> r;
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            r = w == null ? null : w.inflight.get(id);
            if (r == null) {
                return false;
            }
            if (r.started) {
                return true; // sent again after a death: started before
            }
        }
        boolean live = r.job.start(r.interrupter, transport.where(worker));
        synchronized (this) {
            r.started = true;
            r.startedNanos = scheduler.nanoTime();
        }
        if (!live) { // cancelled just as it began: stop it like a running call
            interrupt(r);
        }
        return true;
    }

    /**
     * A call taken back before it began: it goes to the front of the queue.
     *
     * @param worker the worker
     * @param id the call's id
     * @return false if the worker was not holding that call (a protocol error)
     */
    public boolean onRecalled(W worker, long id) {
        Effects fx = new Effects();
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            Call<P> r = w == null ? null : w.inflight.remove(id);
            if (w == null || r == null) {
                return false;
            }
            r.worker = null;
            r.recalling = false;
            if (w.inflight.isEmpty()) {
                w.idleSinceNanos = scheduler.nanoTime();
            }
            queue.addFirst(r);
            dispatchLocked(fx);
        }
        run(fx);
        return true;
    }

    /**
     * A worker answered a call (a result, a failure, or that it was cancelled). The next calls go
     * out before this returns; the caller then settles the job.
     *
     * @param worker the worker
     * @param id the call's id
     * @return the call answered, or null if the worker was not running it (a protocol error)
     */
    public @Nullable Call<P> onAnswer(W worker, long id) {
        Effects fx = new Effects();
        Call<P> r;
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            if (w == null) {
                return null;
            }
            r = w.inflight.remove(id);
            if (r != null) {
                r.worker = null;
            }
            if (w.inflight.isEmpty()) {
                w.idleSinceNanos = scheduler.nanoTime();
            }
            if (closeIfDoneLocked(w, fx)) { // before dispatching, so that a recycled worker's slot is free
                fillEagerLocked();
            }
            dispatchLocked(fx);
            checkTerminatedLocked(fx);
        }
        run(fx);
        return r;
    }

    // ------------------------------------------------------------------ reports about reported workers

    /**
     * A worker has joined (a member is reachable): it takes calls at once. Ignored if it is known
     * already or was found faulty. Its sends are done in this thread before this returns.
     *
     * @param worker the worker
     * @param threads how many calls it runs at once by its own account ({@link Integer#MAX_VALUE} if it does not say)
     * @return true if it is new
     */
    public boolean onJoined(W worker, int threads) {
        return join(worker, threads, Long.MAX_VALUE);
    }

    /**
     * How many joins and leaves of reported workers the dispatcher has taken: read it before
     * reading a list of the workers there are, and hand it to {@link #onListed} and
     * {@link #onUnlisted} with what the list says, so that a join or leave reported meanwhile
     * is not undone by the older list.
     *
     * @return the membership's version
     */
    public synchronized long membershipVersion() {
        return membership;
    }

    /**
     * A worker is in a list of the workers there are, read after {@link #membershipVersion}
     * returned {@code listedAt}: it joins as with {@link #onJoined}, unless a leave of it was
     * reported since that version (the list is older than the leave).
     *
     * @param worker the worker
     * @param threads how many calls it runs at once by its own account ({@link Integer#MAX_VALUE} if it does not say)
     * @param listedAt the membership's version before the list was read
     * @return true if it is new
     */
    public boolean onListed(W worker, int threads, long listedAt) {
        return join(worker, threads, listedAt);
    }

    /**
     * A worker is missing from a list of the workers there are, read after
     * {@link #membershipVersion} returned {@code listedAt}: it leaves as with {@link #onLeft},
     * unless a join of it was reported since that version (the list is older than the join).
     *
     * @param worker the worker
     * @param listedAt the membership's version before the list was read
     */
    public void onUnlisted(W worker, long listedAt) {
        leave(worker, false, listedAt);
    }

    /**
     * Every worker has left at once (say, the transport lost its connection to all of them): as
     * {@link #onLeft} for each, and a list read before this brings none back, not even one this
     * dispatcher had not taken yet.
     */
    public void onAllLeft() {
        List<W> gone;
        synchronized (this) {
            allLeftAt = ++membership;
            gone = new ArrayList<>(alive.keySet());
        }
        for (W worker : gone) {
            leave(worker, false, Long.MAX_VALUE);
        }
    }

    /** A join, unless a leave of the worker was seen after {@code listedAt} (the list it comes from is older). */
    private boolean join(W worker, int threads, long listedAt) {
        Effects fx = new Effects();
        synchronized (this) {
            if (alive.containsKey(worker) || faulty.contains(worker) || changedSinceLocked(worker, listedAt)) {
                return false;
            }
            changedAt.put(worker, ++membership);
            Slot<W, P> w = new Slot<>(worker, threads, scheduler.nanoTime());
            w.ready = true;
            workers.add(w);
            alive.put(worker, w);
            noteUsabilityLocked(scheduler.nanoTime());
            dispatchLocked(fx);
        }
        events.memberJoined(transport.where(worker));
        run(fx);
        return true;
    }

    /**
     * A worker has left (or is unreachable): every call it held goes back to the front of the
     * queue, in the order sent, with no attempt charged, and runs elsewhere. Ignored if unknown.
     *
     * @param worker the worker
     */
    public void onLeft(W worker) {
        leave(worker, false, Long.MAX_VALUE);
    }

    /**
     * A worker answered with something that cannot be trusted (a result that does not open with
     * the pool's secret): it is never used again, even if reported again, and its calls go back
     * to the queue as if it had left.
     *
     * @param worker the worker
     */
    public void onFaulty(W worker) {
        leave(worker, true, Long.MAX_VALUE);
    }

    /** A leave, unless a join of the worker was seen after {@code listedAt} (the list it comes from is older). */
    private void leave(W worker, boolean isFaulty, long listedAt) {
        Effects fx = new Effects();
        Slot<W, P> w;
        synchronized (this) {
            if (isFaulty) {
                faulty.add(worker);
            }
            if (changedSinceLocked(worker, listedAt)) {
                return;
            }
            w = alive.remove(worker);
            if (w != null || listedAt == Long.MAX_VALUE) { // a leave reported counts even for a worker not seen yet
                changedAt.put(worker, ++membership);
            }
            if (w == null) {
                return;
            }
            workers.remove(w);
            List<Call<P>> held = new ArrayList<>(w.inflight.values());
            w.inflight.clear();
            for (int i = held.size() - 1; i >= 0; i--) {
                requeueLocked(held.get(i));
            }
            noteUsabilityLocked(scheduler.nanoTime());
            dispatchLocked(fx);
            checkTerminatedLocked(fx);
        }
        events.memberLeft(transport.where(worker));
        run(fx);
    }

    /** Whether a join or leave of {@code worker} was taken after the membership's version {@code listedAt}. */
    private boolean changedSinceLocked(W worker, long listedAt) {
        Long at = changedAt.get(worker);
        return allLeftAt > listedAt || (at != null && at > listedAt);
    }

    /** Puts a call taken off its worker back at the front of the queue, unless it has been answered. */
    private void requeueLocked(Call<P> r) {
        r.worker = null;
        r.recalling = false;
        if (!r.answered) { // a settled (cancelled) one is dropped at dispatch, which reports its end
            queue.addFirst(r);
        }
    }

    /**
     * A worker answered a call with its outcome (a result or the call's own failure). It counts
     * for the send-ahead rule and as a sign of life. If it is the call's first answer,
     * {@code settle} settles the job with it, even if the call was no longer the worker's (its
     * loss requeued it: the call is then taken out of the queue and never sent again); a later
     * answer (the call ran twice) is dropped, since a job settled twice would run its rerun
     * (periodic, retried) twice. A first answer for a call sent again since (to this worker or
     * another) interrupts that copy, which still holds its worker's thread until it answers. In this thread, before this returns: the next calls go out,
     * then {@code settle} runs, then termination is told if this was the last call.
     *
     * @param worker the worker
     * @param send the send answered
     * @param serviceNanos how long the worker's thread spent on it
     * @param settle settles the job with the outcome; runs user callbacks
     * @return true if this was the call's first answer (so {@code settle} ran)
     */
    public boolean onOutcome(W worker, Send<P> send, long serviceNanos, Runnable settle) {
        return onOutcome(worker, send, serviceNanos, 0, settle);
    }

    /**
     * As {@link #onOutcome(Object, Send, long, Runnable)}, for a call whose answer the worker held
     * back for {@code heldNanos} beyond its own service time: waiting behind, or for, other calls
     * run in a row with it on one thread and answered together. That time is kept out of the
     * round-trip estimate of the send-ahead rule, as a member's queue wait is, else running calls
     * in a row would lengthen the rows it allows, and so on.
     *
     * @param worker the worker
     * @param send the send answered
     * @param serviceNanos how long the worker's thread spent on it; negative if it never ran
     *     (interrupted before it began): no estimate is taken from it then
     * @param heldNanos how long its answer waited on the worker beyond its service time
     * @param settle settles the job with the outcome; runs user callbacks
     * @return true if this was the call's first answer (so {@code settle} ran)
     */
    public boolean onOutcome(W worker, Send<P> send, long serviceNanos, long heldNanos, Runnable settle) {
        Call<P> call = callOf(send);
        Effects fx = new Effects();
        boolean first;
        synchronized (this) {
            first = !call.answered;
            if (first) {
                fx.settlements.add(settle);
            }
            call.answered = true;
            Slot<W, P> w = alive.get(worker);
            if (w != null) {
                w.suspicions = 0; // a sign of life: its next suspicion is the shortest
            }
            unavailable = false; // an answer restarts the member wait
            noteUsabilityLocked(scheduler.nanoTime());
            if (w != null && takeOffLocked(w, send, fx)) {
                pacing.answered(serviceNanos, scheduler.nanoTime() - call.sentNanos - heldNanos, call.clean);
            } else {
                queue.remove(call);
                Slot<W, P> copy = slotOf(call);
                if (first && copy != null) { // sent again since: that run is no longer needed
                    fx.send(copy, new Send<>(Op.INTERRUPT, call.id, call, 0));
                }
            }
            dispatchLocked(fx);
            checkTerminatedLocked(fx);
        }
        run(fx);
        return first;
    }

    /**
     * Takes a call off its worker and settles it with {@code fail} (say, it failed in a way that
     * is not the worker's loss), unless something else took it first (the worker's loss requeued
     * it: its next send decides) or it was answered already (this send was a copy). In this thread, before this returns: the next calls go out,
     * then {@code fail} runs, then termination is told if this was the last call.
     *
     * @param worker the worker it was sent to
     * @param send the send that failed
     * @param fail settles the job with its failure; runs user callbacks
     * @return true if {@code fail} ran
     */
    public boolean release(W worker, Send<P> send, Runnable fail) {
        Effects fx = new Effects();
        boolean ran;
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            if (w == null || !takeOffLocked(w, send, fx)) {
                return false;
            }
            ran = !callOf(send).answered; // a copy whose call was answered (its interrupt) settles nothing
            if (ran) {
                fx.settlements.add(fail);
            }
            dispatchLocked(fx);
            checkTerminatedLocked(fx);
        }
        run(fx);
        return ran;
    }

    /**
     * A send to {@code worker} failed because the worker is gone or unreachable: if the call is
     * still the worker's from that send, the worker is skipped for {@value #SUSPECT_MILLIS} ms and
     * the call goes back to the front of the queue with no attempt charged. Otherwise (the worker
     * left, which requeued the call, and may have joined again since) this does nothing.
     *
     * @param worker the worker
     * @param send the send that failed
     */
    public void onLost(W worker, Send<P> send) {
        Call<P> call = callOf(send);
        Effects fx = new Effects();
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            if (w == null || !takeOffLocked(w, send, fx)) {
                return; // it left: that requeued the call
            }
            suspectLocked(w);
            requeueLocked(call);
            dispatchLocked(fx);
        }
        run(fx);
    }

    /**
     * Makes a member suspect after a lost send: a new suspicion (it was usable) lasts twice the
     * one before, unless it answered since; a loss during a suspicion (a send made before it)
     * belongs to the same outage and only extends it to as long from now. One timer per member
     * looks at it when the suspicion is over.
     */
    private void suspectLocked(Slot<W, P> w) {
        long now = scheduler.nanoTime();
        if (now - w.suspectUntil >= 0) {
            w.suspicions++;
        }
        long max = policy.memberWaitNanos() > 0
                ? Math.max(2 * policy.memberWaitNanos(), TimeUnit.MILLISECONDS.toNanos(SUSPECT_MILLIS))
                : TimeUnit.MILLISECONDS.toNanos(MAX_SUSPECT_MILLIS);
        long period = Math.min(max, TimeUnit.MILLISECONDS.toNanos(SUSPECT_MILLIS) << Math.min(w.suspicions - 1, 30));
        if (now + period - w.suspectUntil > 0) {
            w.suspectUntil = now + period;
        }
        if (!w.suspicionTimer) {
            w.suspicionTimer = true;
            scheduler.schedule(() -> suspicionOver(w), w.suspectUntil - now);
        }
        noteUsabilityLocked(now);
    }

    /** A member's suspicion timer: if it is over (not extended since), the member is usable again. */
    private void suspicionOver(Slot<W, P> w) {
        Effects fx = new Effects();
        fx.onTimer = true; // what its dispatch settles runs off the timer
        synchronized (this) {
            w.suspicionTimer = false;
            if (alive.get(w.handle) != w) {
                return; // it left
            }
            long now = scheduler.nanoTime();
            if (w.suspectUntil - now > 0) { // extended by a later loss
                w.suspicionTimer = true;
                scheduler.schedule(() -> suspicionOver(w), w.suspectUntil - now);
                return;
            }
            noteUsabilityLocked(now);
            dispatchLocked(fx);
        }
        run(fx);
    }

    /**
     * A worker declined a call before it began it, because it is leaving: the call goes back to
     * the front of the queue, and the worker takes no more calls.
     *
     * @param worker the worker
     * @param send the send declined
     */
    public void onDeclined(W worker, Send<P> send) {
        Call<P> call = callOf(send);
        Effects fx = new Effects();
        synchronized (this) {
            Slot<W, P> w = alive.get(worker);
            if (w == null || !takeOffLocked(w, send, fx)) {
                return; // it left (and may have joined again): that requeued the call
            }
            w.closing = true;
            closeIfDoneLocked(w, fx);
            requeueLocked(call);
            noteUsabilityLocked(scheduler.nanoTime());
            dispatchLocked(fx);
        }
        run(fx);
    }

    @SuppressWarnings("unchecked") // every slot of this dispatcher holds a W
    private @Nullable Slot<W, P> slotOf(Call<P> r) {
        return (Slot<W, P>) r.worker;
    }

    private static <P> Call<P> callOf(Send<P> send) {
        return Objects.requireNonNull(send.call(), "a RUN carries its call");
    }

    /**
     * Takes the call of {@code send} off {@code w} if it is there from that send (not an earlier
     * one: the worker left and joined again, and the call was sent to it again); true if so (the
     * caller owns it).
     */
    private boolean takeOffLocked(Slot<W, P> w, Send<P> send, Effects fx) {
        Call<P> r = callOf(send);
        if (r.sendSeq != send.seq() || !w.inflight.remove(r.id, r)) {
            return false;
        }
        r.worker = null;
        if (w.inflight.isEmpty()) {
            w.idleSinceNanos = scheduler.nanoTime();
        }
        closeIfDoneLocked(w, fx);
        return true;
    }

    /**
     * Updates the member wait after anything that may change which workers are usable: it starts
     * if none is usable (unless it runs already), and stops if one is.
     */
    private void noteUsabilityLocked(long now) {
        if (policy.memberWaitNanos() <= 0) {
            return;
        }
        for (Slot<W, P> w : workers) {
            if (usable(w, now)) {
                unavailable = false;
                return;
            }
        }
        if (!unavailable) {
            unavailable = true;
            unavailableSinceNanos = now;
        }
    }

    /** Updates the member wait; true once no worker has been usable for it. */
    private boolean unavailableTooLongLocked(long now) {
        noteUsabilityLocked(now);
        return unavailable && now - unavailableSinceNanos > policy.memberWaitNanos();
    }

    /** The member wait's timer: fails the queued calls once no worker has been usable for it. */
    private void expireIfUnavailable() {
        Effects fx = new Effects();
        List<Call<P>> expired = new ArrayList<>();
        synchronized (this) {
            if (unavailableTooLongLocked(scheduler.nanoTime())) {
                expired.addAll(queue);
                queue.clear();
                checkTerminatedLocked(fx);
            } else {
                dispatchLocked(fx);
            }
        }
        if (expired.isEmpty()) {
            fx.onTimer = true; // its dispatch may fail calls that find no worker
            run(fx);
        } else { // termination, if this was the end, is told after the failures
            scheduler.settle(() -> {
                expired.forEach(r -> r.job.fail(reporter().unavailable(r.job)));
                run(fx);
            });
        }
    }

    /**
     * Marks a worker as closing: it takes no new calls (say, before the transport kills it for a
     * protocol error), and its exit will be reported as a stop, not a death.
     *
     * @param worker the worker
     */
    public synchronized void retire(W worker) {
        Slot<W, P> w = alive.get(worker);
        if (w != null) {
            w.closing = true;
            w.killed = true;
        }
    }

    /**
     * A started worker exited (a reported one leaves: {@link #onLeft}). If the dispatcher did
     * not close it, it died: the call it was running (the
     * oldest started one it had not answered) is retried or failed; the others never began and go
     * back to the front of the queue. A worker that never reported ready charges no call; see
     * the overview for how start-up deaths are counted.
     *
     * @param worker the worker
     * @param exitCode its exit code, or -1 if unknown
     */
    public void onExit(W worker, int exitCode) {
        Effects fx = new Effects();
        boolean stopped;
        synchronized (this) {
            Slot<W, P> w = alive.remove(worker);
            if (w == null) {
                return;
            }
            stopped = w.closed || w.killed; // a closing worker still running its last calls can die
            boolean wasOpen = workers.remove(w);
            List<Call<P>> lost = new ArrayList<>(w.inflight.values());
            w.inflight.clear();
            Call<P> victim = w.ready && !lost.isEmpty() && lost.get(0).started ? lost.get(0) : null;
            for (int i = lost.size() - 1; i >= (victim == null ? 0 : 1); i--) {
                Call<P> r = lost.get(i);
                r.worker = null;
                r.recalling = false;
                queue.addFirst(r);
            }
            if (victim != null) {
                victim.worker = null;
                if (!victim.job.isDone() && victim.attempts < policy.retries()) {
                    victim.attempts++;
                    queue.addFirst(victim);
                } else { // even if settled (cancelled): reporting its end frees its permit
                    Call<P> v = victim;
                    fx.after.add(() -> v.job.fail(starter().died(worker, v.job, exitCode, v.attempts + 1)));
                }
            }
            if (!w.ready && !w.closed) {
                startFailedLocked(worker, exitCode, fx);
            }
            if (wasOpen) {
                fillEagerLocked();
            }
            dispatchLocked(fx);
            if (shutdown && queue.isEmpty()) {
                for (Slot<W, P> o : new ArrayList<>(workers)) {
                    closeIfDoneLocked(o, fx);
                }
            }
            checkTerminatedLocked(fx);
        }
        String where = transport.where(worker);
        String detail = starter().exitDetail(worker, exitCode);
        if (stopped) {
            events.workerStopped(where, detail);
        } else { // before its calls fail: a listener sees the cause first
            events.workerDied(where, detail);
        }
        run(fx);
    }

    /** A worker died before it was ready: back off, and give up on the waiting calls if it keeps happening. */
    private void startFailedLocked(W worker, int exitCode, Effects fx) {
        startFailures++;
        long backoff = TimeUnit.MILLISECONDS.toNanos(
                Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(startFailures - 1, 20)));
        nextStartNanos = scheduler.nanoTime() + backoff;
        boolean killed = exitCode > 128 && exitCode <= 128 + 64; // a signal: killed from outside, not misconfigured
        if (killed || startFailures < policy.startFailuresToGiveUp()) {
            return;
        }
        for (Slot<W, P> o : workers) {
            if (o.ready && !o.closing) {
                return; // a worker that did start can run them
            }
        }
        int failures = startFailures;
        for (Call<P> r : queue) {
            r.worker = null;
            fx.after.add(() -> r.job.fail(starter().died(worker, r.job, exitCode, failures)));
        }
        queue.clear();
    }

    /**
     * Closes a worker that is closing (or, a started one, idle after shutdown) and has nothing
     * left to run. A reported worker is never closed for shutdown: a member's loss puts its calls
     * back on the queue, and the idle members must still be there to run them.
     */
    private boolean closeIfDoneLocked(Slot<W, P> w, Effects fx) {
        boolean idleAfterShutdown = !reported && shutdown && queue.isEmpty();
        if (w.closed || !w.inflight.isEmpty() || !(w.closing || idleAfterShutdown)) {
            return false;
        }
        w.closed = true;
        workers.remove(w);
        if (!reported) { // a reported worker is only sent nothing more
            fx.close(w);
        }
        return true;
    }

    // ------------------------------------------------------------------ interrupts, idle workers

    /** {@link #interrupt(Call, boolean)} from a thread that is not the timer's. */
    private void interrupt(Call<P> r) {
        interrupt(r, false);
    }

    /**
     * Off the canceller's thread: asks the worker to interrupt the call, and kills it after the
     * grace period. A call back in the queue (after a death or a loss) is failed instead: off the
     * timer if this runs {@code onTimer}, since a retried attempt's time limit is not a settled
     * task, and its failure may settle it and run its callbacks.
     */
    private void interrupt(Call<P> r, boolean onTimer) {
        Slot<?, P> w;
        Effects fx = new Effects();
        fx.onTimer = onTimer;
        synchronized (this) {
            if (queue.remove(r)) { // requeued after a death or a loss: never sent again
                w = null;
                fx.settlements.add( // reporting its end frees its permit
                        () -> r.job.fail(new CancellationException("task '" + r.job.name() + "' was cancelled")));
                checkTerminatedLocked(fx); // it may have been the last
            } else {
                w = r.worker;
                if (w == null || !w.inflight.containsKey(r.id)) {
                    return; // already answered
                }
            }
        }
        if (w == null) {
            run(fx);
            return;
        }
        Slot<?, P> target = w;
        sendTo(target, new Send<>(Op.INTERRUPT, r.id, r, 0));
        if (policy.cancelGraceNanos() > 0) { // a member is never killed: it is not ours
            scheduler.schedule(() -> killIfStillRunning(target, r), policy.cancelGraceNanos());
        }
    }

    @SuppressWarnings("unchecked") // every slot of this dispatcher holds a W
    private void killIfStillRunning(Slot<?, P> w, Call<P> r) {
        synchronized (this) {
            if (!w.inflight.containsKey(r.id)) {
                return;
            }
            w.closing = true;
            w.killed = true;
        }
        starter().killStuck((W) w.handle, r.job);
    }

    private void retireIdle() {
        Effects fx = new Effects();
        long now = scheduler.nanoTime();
        synchronized (this) {
            for (Slot<W, P> w : new ArrayList<>(workers)) {
                if (!w.closing && w.inflight.isEmpty() && now - w.idleSinceNanos >= policy.idleTimeoutNanos()) {
                    w.closing = true;
                    closeIfDoneLocked(w, fx);
                }
            }
        }
        run(fx);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Changes how many workers may run (started workers; a lowering closes idle workers first,
     * then busy ones once they have answered), or how many calls each runs at once (reported
     * workers; calls already sent run on).
     *
     * @param newN the new limit, at least 1
     */
    public void resize(int newN) {
        Effects fx = new Effects();
        synchronized (this) {
            n = newN;
            int open = 0;
            for (Slot<W, P> w : workers) {
                open += w.closing || reported ? 0 : 1; // reported workers are not ours to close
            }
            for (int pass = 0; pass < 2 && open > n; pass++) { // idle workers first, then busy ones
                for (Slot<W, P> w : new ArrayList<>(workers)) {
                    if (open > n && !w.closing && (pass == 1 || w.inflight.isEmpty())) {
                        w.closing = true;
                        open--;
                        closeIfDoneLocked(w, fx);
                    }
                }
            }
            fillEagerLocked();
            dispatchLocked(fx);
        }
        run(fx);
    }

    /**
     * Starts an orderly shutdown: queued calls still run; idle started workers are closed
     * (reported workers stay usable until nothing is in flight, since a member's loss puts its
     * calls back on the queue for the others).
     */
    public void shutdown() {
        Effects fx = new Effects();
        synchronized (this) {
            shutdown = true;
            if (queue.isEmpty()) {
                for (Slot<W, P> w : new ArrayList<>(workers)) {
                    closeIfDoneLocked(w, fx);
                }
            }
            checkTerminatedLocked(fx);
        }
        run(fx);
    }

    /**
     * Stops at once: returns the jobs that never began (queued here, or sent ahead and not begun,
     * which their workers are told to drop), and interrupts running ones inside their workers
     * (killing those that do not stop within the grace period). Workers exit as they become idle.
     *
     * @return the jobs that never began, in queue order
     */
    public List<Job> shutdownNow() {
        List<Job> neverStarted = new ArrayList<>();
        List<Call<P>> running = new ArrayList<>();
        Effects fx = new Effects();
        synchronized (this) {
            shutdown = true;
            for (Call<P> r : queue) {
                if (r.started) { // begun on a worker that died or left: nothing to interrupt, only to end
                    fx.settlements.add(() -> r.job.fail(new CancellationException(
                            "task '" + r.job.name() + "' was cancelled: pool '" + poolName + "' was shut down now")));
                } else {
                    neverStarted.add(r.job);
                }
            }
            queue.clear();
            for (Slot<W, P> w : new ArrayList<>(workers)) {
                for (Call<P> r : w.inflight.values()) {
                    if (r.started) {
                        running.add(r);
                    } else {
                        neverStarted.add(r.job);
                        fx.send(w, new Send<>(Op.DROP, r.id, null, 0));
                    }
                }
                closeIfDoneLocked(w, fx);
            }
            checkTerminatedLocked(fx);
        }
        run(fx);
        for (Call<P> r :
                running) { // sorted under the lock; interrupt looks again under it, as one may have been answered since
            interrupt(r);
        }
        return neverStarted;
    }

    /** Terminates once shut down with nothing queued and every started worker gone (reported: nothing in flight). */
    private void checkTerminatedLocked(Effects fx) {
        if (!shutdown || !queue.isEmpty() || terminated.getCount() == 0) {
            return;
        }
        for (Slot<W, P> w : alive.values()) {
            if (!reported || !w.inflight.isEmpty()) {
                return;
            }
        }
        terminated.countDown();
        fx.after.add(transport::terminated);
    }

    /**
     * Shuts down if nothing is queued or in flight (say, when the program has returned and only
     * the transport's threads keep the JVM alive); otherwise does nothing.
     *
     * @return true if this call shut the dispatcher down
     */
    public boolean shutdownIfIdle() {
        Effects fx = new Effects();
        synchronized (this) {
            if (shutdown || !queue.isEmpty()) {
                return false;
            }
            for (Slot<W, P> w : alive.values()) {
                if (!w.inflight.isEmpty()) {
                    return false;
                }
            }
            shutdown = true;
            for (Slot<W, P> w : new ArrayList<>(workers)) {
                closeIfDoneLocked(w, fx);
            }
            checkTerminatedLocked(fx);
        }
        run(fx);
        return true;
    }

    /**
     * Blocks until terminated or the timeout passes.
     *
     * @param timeout how long to wait
     * @param unit its unit
     * @return true if terminated
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /**
     * Tells whether shut down with every worker gone and nothing queued.
     *
     * @return true once terminated
     */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /**
     * The workers not yet seen to exit.
     *
     * @return a snapshot
     */
    public synchronized List<W> workers() {
        return new ArrayList<>(alive.keySet());
    }

    /**
     * How many calls a reported worker may run one after another on one thread, sent and
     * answered together, by the send-ahead rule's estimates: the round trip over a call's
     * service time ({@link Pacing#inRow}), so that running them in a row holds no answer back by
     * more than a round trip. 1 until both are known, and whenever calls are long.
     *
     * @return at least 1
     */
    public synchronized int callsInRow() {
        return pacing.inRow();
    }

    /**
     * How many calls wait in the queue, for tests and descriptions.
     *
     * @return the queue's length
     */
    public synchronized int queued() {
        return queue.size();
    }

    // ------------------------------------------------------------------ effects

    private void run(Effects fx) {
        List<Start<W, P>> refused = fx.starts.isEmpty() ? List.of() : start(fx);
        fx.sends.forEach((w, sends) -> {
            for (Start<W, P> r : refused) {
                sends.removeIf(s -> s.call() == r.call());
            }
            if (!sends.isEmpty()) {
                transport.send(w.handle, sends);
            }
        });
        if (!fx.toClose.isEmpty()) {
            fx.toClose.forEach(starter()::close);
        }
        if (fx.onTimer && !(fx.dropped.isEmpty() && fx.settlements.isEmpty() && fx.after.isEmpty())) {
            scheduler.settle(() -> settle(fx)); // in order, termination last, but off every pool's timer
        } else {
            settle(fx);
        }
        if (!fx.starts.isEmpty()) {
            afterStarts(refused);
        }
    }

    /** The settling part of {@link #run}: dropped calls, settlements, then the rest (termination last). */
    private void settle(Effects fx) {
        for (Call<P> r : fx.dropped) {
            r.job.fail(
                    r.job.isDone()
                            ? new CancellationException("task '" + r.job.name() + "' was cancelled")
                            : starter().cannotStart(r.job, Objects.requireNonNull(spawnErrorNow())));
        }
        fx.settlements.forEach(Runnable::run);
        fx.after.forEach(Runnable::run);
    }

    /**
     * Starts the jobs of the calls about to be sent to run at once, outside the lock, since a
     * start may run foreign code: a refused start (cancelled meanwhile) hands the task's
     * concurrency permit on, which may submit the next task from this thread; that submit only
     * queues ({@link #STARTING}), so that its sends follow this run's rather than overtake them.
     * Returns the starts refused: their calls are not sent.
     */
    private List<Start<W, P>> start(Effects fx) {
        List<Start<W, P>> refused = new ArrayList<>();
        Object outer = STARTING.get();
        STARTING.set(this);
        try {
            for (Start<W, P> s : fx.starts) {
                if (!s.call().job.start(s.call().interrupter, s.where())) {
                    refused.add(s); // cancelled meanwhile: the refusal has reported its end
                }
            }
        } finally {
            STARTING.set(outer);
        }
        return refused;
    }

    /** After a run that started jobs: takes the refused calls off their workers, and dispatches what was submitted meanwhile. */
    private void afterStarts(List<Start<W, P>> refused) {
        Effects fx = new Effects();
        synchronized (this) {
            if (refused.isEmpty() && !queuedDuringStarts) {
                return;
            }
            queuedDuringStarts = false;
            for (Start<W, P> s : refused) {
                Call<P> r = s.call();
                Slot<W, P> w = s.slot();
                if (r.sendSeq == s.seq() && w.inflight.remove(r.id, r)) { // not if taken since (a loss) and sent again
                    r.worker = null;
                    if (w.inflight.isEmpty()) {
                        w.idleSinceNanos = scheduler.nanoTime();
                    }
                    closeIfDoneLocked(w, fx);
                }
            }
            dispatchLocked(fx);
        }
        run(fx);
    }

    private synchronized @Nullable Exception spawnErrorNow() {
        return spawnError;
    }

    @Override
    public synchronized String toString() {
        return "RemoteDispatcher[" + poolName + ", n=" + n + ", " + workers.size() + " workers, " + queue.size()
                + " queued, " + pacing + "]";
    }
}
