package dev.background.cluster.internal;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig.ReconnectMode;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.background.cluster.ClusterUnavailableException;
import dev.background.context.CarriedContext;
import dev.background.internal.remote.Pacing;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import dev.background.spi.SubmitSite;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The engine of the cluster kind: a Hazelcast client that sends each job to one worker member
 * through the members' {@code background} executor, and keeps track of it until it settles.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Why not let Hazelcast queue.</b> A plain {@code IExecutorService} loses the tasks queued
 * on a member that dies (hazelcast#944); the durable executor re-runs finished tasks and fails on
 * per-partition capacity (hazelcast#9965, imdg-docs#317). So the queue lives here: jobs wait in
 * {@link #queue}; each member ({@link Slot}) gets at most {@code n} plus its prefetch
 * ({@link Pacing}) at a time, always the least loaded member first; {@link Slot#running} is what
 * that member holds. A member's queue is topped up in bursts (once it is half empty), so that
 * sends and answers share network writes instead of trickling one per completion: that
 * coalescing is what makes floods of tiny tasks cheap on both sides.
 * <li><b>At least once, one result.</b> When a member leaves (membership event, the client's
 * disconnection, or a send that fails with a member-loss error) its jobs go back to the front of
 * the queue and are sent elsewhere. A job is "owned" by whoever removes it from its slot's
 * {@code running} set under {@link #lock}: the completion of that send, or the member-loss
 * handling; only the owner requeues it. Outcomes (results and the task's own exceptions) settle
 * the job whatever the owner, since any run's outcome is a true one; {@link Job} settlement is
 * idempotent, so the first wins and a late duplicate is ignored.
 * <li><b>No hang when the cluster is gone.</b> A tick every {@value #TICK_MILLIS} ms reconciles
 * the slots with the client's member list (events can be missed across reconnections), and
 * fails the queued jobs with {@link ClusterUnavailableException} once no usable member has been
 * seen for the kind's member wait.
 * <li><b>Threads.</b> {@link #execute} serialises in the caller's thread, so a non-serialisable
 * task fails at submit. Sends happen in whichever thread pumps (a submitter, a completion, an
 * event, the tick), outside the lock. Completions run on a few virtual threads
 * ({@link CompletionRunner}), never on Hazelcast's I/O threads, since settling runs user
 * callbacks; the tick nudges the runner when a callback holds its drainers up.
 * <li><b>Lock.</b> {@link #lock} guards the queue, the slots, the counts and the lifecycle flags;
 * nothing blocking or foreign (Hazelcast calls, settling) runs under it.
 * </ul>
 */
public final class ClusterEngine implements Engine {

    static final long TICK_MILLIS = 200;
    /** Most jobs taken from the queue in one lock hold. */
    private static final int MAX_TAKE = 64;

    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final Settings settings;
    private final String poolName;
    /** The client's Hazelcast instance name, which prefixes its threads' names. */
    private final String instanceName;
    /** clustersafe: seals tasks and opens results when the kind has a secret; null without. */
    private final @Nullable Sealer sealer;
    /** Runs completions on virtual threads, at most as many as the pool runs tasks at once. */
    private final CompletionRunner completer =
            new CompletionRunner("background-cluster-completion", () -> this.n * Math.max(1, this.members));
    /** One virtual thread per cancel: each may retry for a while. */
    private final Executor canceller = Thread.ofVirtual().name("background-cluster-cancel")::start;

    private final ScheduledExecutorService ticker;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workerSeen = lock.newCondition();
    // Guarded by lock:
    private final ArrayDeque<Dispatch> queue = new ArrayDeque<>();
    private final Map<UUID, Slot> slots = new LinkedHashMap<>();
    private final Pacing pacing;
    /** Written under lock; read without it by {@link #completer} as a hint. */
    private volatile int n;
    /** How many slots there are; written under lock, read without it by {@link #completer}. */
    private volatile int members;

    private int inFlight;
    /** Written under lock; volatile so that {@link #maybeTerminate} can skip the lock until then. */
    private volatile boolean shutdown;

    private boolean terminating;
    /** Whether the client is connected to the cluster (and so may create proxies and send). */
    private boolean connected;
    /**
     * System.nanoTime() since which no member has been usable without a member answering in
     * between, or 0. Only an answer or a newly seen member resets it, so that a member that
     * stays listed but fails every send cannot keep tasks bouncing forever.
     */
    private long unavailableSince;
    /** clustersafe: members whose answers did not open with the secret; never sent tasks again. */
    private final Set<UUID> faulty = new HashSet<>();
    /** clustersafe: why the last of them was found faulty, for {@link #unavailable()}; null if none. */
    private @Nullable String lastFault;

    // Set once, right after the client starts; null before.
    private volatile @Nullable HazelcastInstance client;
    /**
     * The members' executor's proxy. Sends do not go through it ({@link MemberInvocation} says
     * why), but creating it registers the executor with the cluster; non-null means ready to send.
     */
    private volatile @Nullable IExecutorService executor;

    @SuppressWarnings("NullAway.Init") // set by open() before the engine is returned
    private volatile MemberInvocation.Client sender;
    /** The client's serialisation; {@code sender.codec()}. */
    @SuppressWarnings("NullAway.Init") // likewise
    private volatile MemberInvocation.Codec codec;

    /** Where members joining and leaving are reported. */
    private final EngineEvents events;

    /** One member that can run jobs. */
    private static final class Slot {
        final Member member;
        final Set<Dispatch> running = new HashSet<>();
        /** The worker's own limit (its {@code --n}); MAX_VALUE if it did not say. */
        final int threads;

        long suspectUntil;
        /** clustersafe: it declined a task because it is draining: it gets no more. */
        boolean leaving;
        /** Whether its prefetch is full and is left to run down to half before topping up. */
        boolean draining;

        Slot(Member member) {
            this.member = member;
            this.threads = workerThreads(member);
        }

        boolean usable(long now) {
            return now - suspectUntil >= 0;
        }
    }

    /** A job and its serialised call, across however many sends it takes. */
    private static final class Dispatch {
        final Job job;
        final byte[] payload;
        /** The submitter's context, encoded once at submit; null if the pool propagates none. */
        final @Nullable CarriedContext context;
        /** Whether a taker has been charged with calling job.start; under lock. */
        boolean started;
        /** Whether an answer from a member is in hand (it settles the job): never send it again; under lock. */
        boolean answered;
        /** When it was last sent, and whether its member had a free thread then (under lock). */
        long sentAt;

        boolean clean;
        volatile @Nullable MemberInvocation future;
        volatile boolean interrupted;

        Dispatch(Job job, byte[] payload, @Nullable CarriedContext context) {
            this.job = job;
            this.payload = payload;
            this.context = context;
        }
    }

    private ClusterEngine(Settings settings, String poolName, int n, EngineEvents events) {
        this.settings = settings;
        this.events = events;
        this.poolName = poolName;
        this.pacing = new Pacing(settings.prefetch());
        this.instanceName = "background-" + poolName + "-" + CLIENTS.incrementAndGet();
        ClusterSecret secret = settings.secret();
        this.sealer = secret == null ? null : new Sealer(settings.clusterName(), secret);
        this.n = n;
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("background-" + poolName + "-cluster-tick")
                .factory());
    }

    /**
     * Connects a client and waits for a worker member.
     *
     * @throws IllegalStateException if no worker is reachable within the connect timeout
     */
    public static ClusterEngine open(Settings settings, String poolName, int n) {
        return open(settings, poolName, n, EngineEvents.NONE);
    }

    /**
     * Connects a client and waits for a worker member, reporting members that join and leave to
     * {@code events}.
     *
     * @throws IllegalStateException if no worker is reachable within the connect timeout
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the tick runs until close() shuts the ticker down
    public static ClusterEngine open(Settings settings, String poolName, int n, EngineEvents events) {
        ClusterEngine engine = new ClusterEngine(settings, poolName, n, events);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(engine.clientConfig());
        ExitWatch.register(engine.instanceName); // clustersafe: exit like the other kinds
        engine.client = client;
        engine.sender = new MemberInvocation.Client(client);
        engine.codec = engine.sender.codec();
        try {
            engine.reconcile();
            if (!engine.awaitWorker(settings.connectTimeout())) {
                throw new IllegalStateException("no background worker of cluster '" + settings.clusterName()
                        + "' answered at " + String.join(",", settings.members()) + " within "
                        + settings.connectTimeout() + ". Start workers with: background worker --cluster "
                        + settings.clusterName() + " --members " + String.join(",", settings.members()));
            }
            // Only now: creating the proxy asks the cluster, so it needs the connection.
            engine.executor = client.getExecutorService(Wire.EXECUTOR);
        } catch (RuntimeException | Error e) {
            engine.ticker.shutdownNow();
            client.shutdown();
            ExitWatch.unregister(engine.instanceName);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engine.ticker.shutdownNow();
            client.shutdown();
            ExitWatch.unregister(engine.instanceName);
            throw new IllegalStateException(
                    "interrupted while connecting to cluster '" + settings.clusterName() + "'", e);
        }
        engine.ticker.scheduleWithFixedDelay(engine::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return engine;
    }

    private ClientConfig clientConfig() {
        ClientConfig cc = clientConfig(settings, instanceName);
        cc.addListenerConfig(new ListenerConfig(new Members()));
        cc.addListenerConfig(new ListenerConfig((LifecycleListener) this::lifecycle));
        return cc;
    }

    /** The client's configuration, without the engine's listeners. */
    static ClientConfig clientConfig(Settings settings, String instanceName) {
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(settings.clusterName());
        cc.setInstanceName(instanceName);
        cc.getNetworkConfig().setAddresses(new ArrayList<>(settings.members()));
        // Start without blocking, and never give up reconnecting: this engine decides when
        // tasks fail (memberWait), and invocations while cut off fail at once instead of blocking.
        cc.getConnectionStrategyConfig()
                .setAsyncStart(true)
                .setReconnectMode(ReconnectMode.ASYNC)
                .getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(-1)
                .setInitialBackoffMillis(100)
                .setMaxBackoffMillis(1_000);
        // The pool waits for its tasks at JVM exit; Hazelcast must not pull the client away first.
        cc.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        if (settings.hazelcastLogging() != null) {
            cc.setProperty(Settings.HAZELCAST_LOGGING_TYPE, settings.hazelcastLogging()); // this client only
        }
        Wire.register(cc.getSerializationConfig());
        return cc;
    }

    private boolean awaitWorker(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (slots.isEmpty() || !connected) {
                long nanos = deadline - System.nanoTime();
                if (nanos <= 0) {
                    return false;
                }
                workerSeen.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)));
                lock.unlock();
                try {
                    reconcile();
                } finally {
                    lock.lock();
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- Engine

    @Override
    public void execute(Job job) {
        byte[] payload = null;
        CarriedContext context = null;
        RuntimeException unsendable = null;
        try {
            context = job.carriedContext();
        } catch (RuntimeException e) { // a propagator could not encode: its message says which
            unsendable = e;
        }
        try {
            if (unsendable == null) {
                payload = codec.toBytes(job.callable());
            }
        } catch (RuntimeException e) {
            unsendable = Transfer.notSerialisable(job.name(), settings.clusterName(), e);
        }
        boolean unavailable;
        List<Take> taken = List.of();
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException(
                        "background pool '" + poolName + "' is shut down and takes no new tasks");
            }
            if (unsendable != null) {
                unavailable = false;
            } else {
                unavailable = unavailableTooLong(System.nanoTime());
                if (!unavailable) {
                    queue.addLast(new Dispatch(job, Objects.requireNonNull(payload), context)); // unsendable is null
                    taken = takeLocked();
                }
            }
        } finally {
            lock.unlock();
        }
        if (unsendable != null) {
            job.fail(unsendable);
        } else if (unavailable) {
            job.fail(SubmitSite.appendTo(unavailable(), job, null));
        } else if (sendAll(taken)) {
            pump();
        }
    }

    @Override
    public void resize(int n) {
        lock.lock();
        try {
            this.n = n;
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
        } finally {
            lock.unlock();
        }
        maybeTerminate();
    }

    @Override
    public List<Job> shutdownNow() {
        List<Job> neverStarted = new ArrayList<>();
        List<Dispatch> startedBefore = new ArrayList<>();
        List<MemberInvocation> running = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            for (Dispatch d : queue) {
                if (d.started) {
                    startedBefore.add(d); // requeued after a member left: started, so ours to settle
                } else {
                    neverStarted.add(d.job);
                }
            }
            queue.clear();
            for (Slot s : slots.values()) {
                for (Dispatch d : s.running) {
                    d.interrupted = true; // a send in progress sees this once its future is set
                    MemberInvocation f = d.future;
                    if (f != null) {
                        running.add(f);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (Dispatch d : startedBefore) {
            d.job.fail(new CancellationException(
                    "task '" + d.job.name() + "' was stopped: pool '" + poolName + "' was shut down now"));
        }
        running.forEach(this::cancel);
        maybeTerminate();
        return neverStarted;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    // ---------------------------------------------------------------- dispatching

    /** Sends queued jobs to members with room, until either runs out. */
    private void pump() {
        if (executor == null) {
            return;
        }
        List<Take> taken;
        do {
            lock.lock();
            try {
                taken = takeLocked();
            } finally {
                lock.unlock();
            }
        } while (sendAll(taken));
    }

    /**
     * One job taken from the queue: the member it goes to (null if it ended while it waited),
     * and whether the taker must start it (it had not been started before).
     */
    private record Take(Dispatch d, @Nullable Slot s, boolean start) {}

    /**
     * Takes up to {@value #MAX_TAKE} queued jobs for members with room; the caller sends them
     * with {@link #sendAll} once it has released the lock. Callers take in the same lock hold in
     * which they changed what the queue or the slots hold, and every such change is followed by a
     * take, so no job is left waiting while a member has room.
     */
    private List<Take> takeLocked() {
        if (executor == null || queue.isEmpty()) {
            return List.of();
        }
        List<Take> taken = new ArrayList<>();
        long now = System.nanoTime();
        while (taken.size() < MAX_TAKE && !queue.isEmpty()) {
            Dispatch head = queue.peekFirst();
            if (head.answered || head.job.isDone()) { // cancelled while it waited, or answered: takes no slot
                queue.pollFirst();
                taken.add(new Take(head, null, !head.started));
                head.started = true;
                continue;
            }
            // A call with a time limit waits for a free thread: sent ahead, its time would run
            // while it waits in the member's queue.
            Slot s = leastLoaded(now, head.job.timeLimitNanos() > 0);
            if (s == null) {
                break;
            }
            Dispatch d = queue.pollFirst();
            d.clean = s.running.size() < Math.min(n, s.threads);
            d.sentAt = now;
            s.running.add(d);
            inFlight++;
            taken.add(new Take(d, s, !d.started));
            d.started = true;
        }
        return taken;
    }

    /** Sends what {@link #takeLocked} took; true if it took all it could, so there may be more. */
    private boolean sendAll(List<Take> taken) {
        for (Take t : taken) {
            if (t.s() != null) {
                send(t.d(), t.s(), t.start());
            } else if (t.start()) {
                t.d().job.start(() -> {}); // false, and so the job gives back what it holds (its limit's permit)
                maybeTerminate();
            }
        }
        return taken.size() == MAX_TAKE;
    }

    /**
     * The usable member with room and the fewest jobs, or null. Room is n plus the member's
     * prefetch, topped up only once half of the prefetch has run down ({@link Slot#draining});
     * for a call with a time limit ({@code limited}) it is a free thread on the member.
     */
    private @Nullable Slot leastLoaded(long now, boolean limited) {
        Slot best = null;
        for (Slot s : slots.values()) {
            int load = s.running.size();
            int most = n + pacing.prefetch(n, s.threads);
            if (load >= most) {
                s.draining = true;
            } else if (load <= n + (most - n) / 2) {
                s.draining = false;
            }
            boolean room = limited ? load < Math.min(n, s.threads) : !s.draining && load < most;
            if (room && !s.leaving && s.usable(now) && (best == null || load < best.running.size())) {
                best = s;
            }
        }
        return best;
    }

    private void send(Dispatch d, Slot s, boolean start) {
        if (start && !d.job.start(() -> interrupt(d), Wire.address(s.member))) { // cancelled while it waited
            release(d, s);
            pump(); // its room on the member is free again
            maybeTerminate();
            return;
        }
        MemberInvocation f;
        // clustersafe: sealed at each send, so that a task sent again goes with a fresh nonce.
        Sealer sealing = sealer;
        RemoteCall call = sealing == null
                ? new RemoteCall(d.job.name(), d.payload, d.context)
                : RemoteCall.sealed(sealing, d.job.name(), d.payload, d.context);
        byte[] sealedTask = call.sealedBytes();
        try {
            f = sender.send(call, s.member);
        } catch (RuntimeException e) {
            if (memberLoss(e)) {
                lostOne(d, s, false);
            } else if (release(d, s)) {
                d.job.fail(SubmitSite.appendTo(e, d.job, null));
                pump(); // its room on the member is free again
                maybeTerminate();
            }
            return;
        }
        d.future = f;
        if (d.interrupted) {
            cancel(f);
        }
        f.whenDone((o, e) -> completed(d, s, sealedTask, o, e), completer);
    }

    private void completed(Dispatch d, Slot s, byte @Nullable [] sealedTask, Outcome outcome, Throwable error) {
        // clustersafe: a sealed answer is opened before anything in it is read; one that does not
        // open makes its member faulty, and the member's tasks, this one included, go elsewhere.
        Sealer sealing = sealer;
        if (error == null && sealing != null) {
            try {
                outcome = outcome.open(sealing, Objects.requireNonNull(sealedTask, "sealed"), codec);
            } catch (SealException e) {
                faulty(s, e);
                return;
            }
        }
        if (error == null && outcome.declined()) {
            declined(d, s);
            return;
        }
        boolean mine;
        List<Take> taken;
        long now = System.nanoTime();
        lock.lock();
        try {
            mine = s.running.remove(d);
            if (mine) {
                inFlight--;
            }
            if (error == null) {
                unavailableSince = 0;
                d.answered = true; // if the member-loss handling requeued it meanwhile, it is not sent again
                if (mine) {
                    pacing.answered(outcome.nanos(), now - d.sentAt, d.clean);
                }
            }
            // On a failure the member may be gone: take only after the handling below.
            taken = error == null ? takeLocked() : List.of();
        } finally {
            lock.unlock();
        }
        boolean more;
        try {
            more = sendAll(taken) || error != null; // the next tasks go out before this one's callbacks run
        } finally {
            if (error == null) {
                settle(d, s, outcome);
            }
        }
        if (error != null) {
            Throwable cause = unwrap(error);
            if (!mine) {
                // Already requeued by the member-loss handling; the new send decides.
            } else if (cause instanceof CancellationException) {
                d.job.fail(new CancellationException("task '" + d.job.name() + "' was interrupted on member "
                        + Wire.address(s.member) + " (pool '" + poolName + "' shut down now)"));
            } else if (memberLoss(cause)) {
                lostOne(d, s, true);
                return;
            } else if (cause instanceof HazelcastSerializationException) {
                d.job.fail(SubmitSite.appendTo(
                        Transfer.cannotReadResult(d.job.name(), Wire.address(s.member), cause), d.job, null));
            } else {
                d.job.fail(SubmitSite.appendTo(cause, d.job, ranOn(s)));
            }
        }
        if (more) {
            pump();
        }
        maybeTerminate();
    }

    private void settle(Dispatch d, Slot s, Outcome outcome) {
        if (outcome.failed()) {
            Throwable error;
            String ranOn = ranOn(s);
            try {
                error = outcome.error(codec);
            } catch (RuntimeException e) {
                error = Transfer.cannotReadResult(d.job.name(), outcome.member(), e);
                ranOn = null; // made here
            }
            d.job.fail(SubmitSite.appendTo(error, d.job, ranOn));
            return;
        }
        Object value;
        try {
            value = outcome.value(codec);
        } catch (RuntimeException e) {
            d.job.fail(SubmitSite.appendTo(
                    Transfer.cannotReadResult(d.job.name(), Wire.address(s.member), e), d.job, null));
            return;
        }
        d.job.succeed(value);
    }

    /**
     * A send to {@code s} failed because the member is gone or unreachable: send it elsewhere,
     * unless the member-loss handling already did ({@code owned}: the caller already took it off).
     */
    private void lostOne(Dispatch d, Slot s, boolean owned) {
        lock.lock();
        try {
            s.suspectUntil = System.nanoTime() + SUSPECT_NANOS;
            if (!owned && s.running.remove(d)) {
                inFlight--;
                owned = true;
            }
            if (owned) {
                requeueLocked(d);
            }
        } finally {
            lock.unlock();
        }
        pump();
        maybeTerminate();
    }

    private void requeueLocked(Dispatch d) {
        if (!d.answered && !d.job.isDone()) {
            queue.addFirst(d);
        }
    }

    /** Takes {@code d} off {@code s}; true if this call did (and so owns {@code d}). */
    private boolean release(Dispatch d, Slot s) {
        lock.lock();
        try {
            if (s.running.remove(d)) {
                inFlight--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void interrupt(Dispatch d) {
        d.interrupted = true;
        MemberInvocation f = d.future;
        if (f != null) {
            cancel(f);
        }
    }

    /**
     * Asks the member to interrupt; off the caller's thread, since Hazelcast waits for the send.
     * A cancel that reaches the member before the task itself is refused there (the member does
     * not know the task yet) and the task would then run uninterrupted, so a refused cancel is
     * asked again, with a growing pause, until the call has ended one way or the other.
     */
    private void cancel(MemberInvocation f) {
        canceller.execute(() -> {
            for (int attempt = 0; !f.isDone(); attempt++) {
                try {
                    if (f.cancel()) {
                        return;
                    }
                } catch (RuntimeException gone) {
                    return; // the member is gone, or the task already ended: nothing left to interrupt
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(200, 5L << Math.min(attempt, 6))));
            }
        });
    }

    // ---------------------------------------------------------------- membership

    /** Hazelcast's membership events; the first one lists the members already there. */
    private final class Members implements InitialMembershipListener {
        @Override
        public void init(InitialMembershipEvent event) {
            for (Member m : event.getMembers()) {
                added(m);
            }
            pump();
        }

        @Override
        public void memberAdded(MembershipEvent event) {
            added(event.getMember());
            pump();
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            removed(event.getMember().getUuid());
            pump();
            maybeTerminate();
        }
    }

    /**
     * clustersafe: member {@code s} answered with something that does not open with the secret
     * (unsealed, forged, another secret): it gets no more tasks from this pool, and what it
     * holds goes to the other members.
     */
    private void faulty(Slot s, SealException e) {
        String why = "member " + Wire.address(s.member) + " answered with a result that does not open with this pool's"
                + " secret (" + settings.secret() + "): " + e.getMessage();
        Log.LOGGER.log(
                System.Logger.Level.WARNING,
                "background pool '" + poolName + "': " + why + ". The pool sends it no more tasks; its tasks go to"
                        + " the other members");
        lock.lock();
        try {
            faulty.add(s.member.getUuid());
            lastFault = why;
        } finally {
            lock.unlock();
        }
        removed(s.member.getUuid());
        pump();
        maybeTerminate();
    }

    /**
     * clustersafe: member {@code s} is draining and declined {@code d} before it began: {@code d}
     * goes back to the front of the queue, and the member gets no more tasks.
     */
    private void declined(Dispatch d, Slot s) {
        lock.lock();
        try {
            s.leaving = true;
            if (s.running.remove(d)) {
                inFlight--;
                requeueLocked(d);
            }
        } finally {
            lock.unlock();
        }
        pump();
        maybeTerminate();
    }

    private void added(Member m) {
        if (m.getAttribute(Wire.WORKER_ATTRIBUTE) == null) {
            return; // a member that is not a background worker has no background executor
        }
        boolean joined = false;
        lock.lock();
        try {
            if (!slots.containsKey(m.getUuid()) && !faulty.contains(m.getUuid())) {
                slots.put(m.getUuid(), new Slot(m));
                members = slots.size();
                unavailableSince = 0;
                workerSeen.signalAll();
                joined = true;
            }
        } finally {
            lock.unlock();
        }
        if (joined) {
            events.memberJoined(Wire.address(m));
        }
    }

    private void removed(UUID member) {
        Slot s;
        lock.lock();
        try {
            s = slots.remove(member);
            members = slots.size();
            if (s != null) {
                for (Dispatch d : s.running) {
                    inFlight--;
                    requeueLocked(d);
                }
                s.running.clear();
            }
        } finally {
            lock.unlock();
        }
        if (s != null) {
            events.memberLeft(Wire.address(s.member));
        }
    }

    private void lifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_DISCONNECTED, SHUTTING_DOWN -> {
                // Cut off from every member: what they hold is as good as lost. Resend on reconnect.
                List<UUID> all;
                lock.lock();
                try {
                    connected = false;
                    all = new ArrayList<>(slots.keySet());
                } finally {
                    lock.unlock();
                }
                all.forEach(this::removed);
            }
            case CLIENT_CONNECTED, CLIENT_CHANGED_CLUSTER -> {
                lock.lock();
                try {
                    connected = true;
                    workerSeen.signalAll();
                } finally {
                    lock.unlock();
                }
                reconcile();
                pump();
            }
            default -> {}
        }
    }

    /** Brings the slots in line with the client's member list. */
    private void reconcile() {
        HazelcastInstance c = client;
        if (c == null || !c.getLifecycleService().isRunning()) {
            return;
        }
        lock.lock();
        try {
            if (!connected) {
                return; // the client keeps its last member list while cut off: not a sign of life
            }
        } finally {
            lock.unlock();
        }
        Set<Member> members;
        try {
            members = c.getCluster().getMembers();
        } catch (RuntimeException e) {
            return; // not connected; the disconnection handling has cleared the slots
        }
        Set<UUID> present = new HashSet<>();
        for (Member m : members) {
            present.add(m.getUuid());
            added(m);
        }
        List<UUID> gone = new ArrayList<>();
        lock.lock();
        try {
            for (UUID u : slots.keySet()) {
                if (!present.contains(u)) {
                    gone.add(u);
                }
            }
        } finally {
            lock.unlock();
        }
        gone.forEach(this::removed);
    }

    private void tick() {
        try {
            exitIfForgotten();
            completer.nudge();
            reconcile();
            List<Dispatch> expired = new ArrayList<>();
            lock.lock();
            try {
                if (unavailableTooLong(System.nanoTime())) {
                    expired.addAll(queue);
                    queue.clear();
                }
            } finally {
                lock.unlock();
            }
            for (Dispatch d : expired) {
                d.job.fail(SubmitSite.appendTo(unavailable(), d.job, null));
            }
            pump();
            maybeTerminate();
        } catch (RuntimeException | Error e) {
            Log.LOGGER.log(
                    System.Logger.Level.WARNING, "background pool '" + poolName + "': cluster housekeeping failed", e);
        }
    }

    /**
     * clustersafe: once {@code main} has returned and only Hazelcast's client threads (which it
     * makes non-daemon) keep the JVM alive, an idle engine shuts itself down and closes its client,
     * so that the JVM exits as it would on the other kinds; an engine with tasks goes on, and is
     * shut down at a later tick once they have ended. Tasks submitted after that are rejected, as
     * they are once core's exit guard has begun.
     */
    private void exitIfForgotten() {
        if (shutdown || !ExitWatch.onlyClientsLeft()) {
            return;
        }
        lock.lock();
        try {
            if (!queue.isEmpty() || inFlight > 0) {
                return;
            }
            shutdown = true;
        } finally {
            lock.unlock();
        }
        maybeTerminate();
    }

    /** Updates {@link #unavailableSince}; true once no member has been usable for memberWait. */
    private boolean unavailableTooLong(long now) {
        boolean any = false;
        for (Slot s : slots.values()) {
            any |= s.usable(now);
        }
        if (any && connected) {
            return false;
        }
        if (unavailableSince == 0) {
            unavailableSince = now == 0 ? 1 : now;
            return false;
        }
        return now - unavailableSince > settings.memberWait().toNanos();
    }

    private ClusterUnavailableException unavailable() {
        return new ClusterUnavailableException("no background worker of cluster '" + settings.clusterName()
                + "' has been reachable at " + String.join(",", settings.members()) + " for over "
                + settings.memberWait() + " (pool '" + poolName + "'). The task may have run in part on a"
                + " member that then left. Check that the workers run (background worker --cluster "
                + settings.clusterName() + " ...) and that this machine can reach them"
                + faults());
    }

    /** clustersafe: the faulty members, for {@link #unavailable()}. */
    private String faults() {
        lock.lock();
        try {
            return lastFault == null
                    ? ""
                    : ". " + faulty.size() + " member(s) were dropped as faulty; the last: " + lastFault;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- termination

    private void maybeTerminate() {
        if (!shutdown) {
            return; // set before the shutdown calls this method itself
        }
        lock.lock();
        try {
            if (terminating || !queue.isEmpty() || inFlight > 0) {
                return;
            }
            terminating = true;
        } finally {
            lock.unlock();
        }
        ticker.shutdownNow();
        Thread.ofPlatform()
                .daemon()
                .name("background-" + poolName + "-cluster-close")
                .start(() -> {
                    try {
                        HazelcastInstance c = client;
                        if (c != null) {
                            c.shutdown();
                        }
                    } finally {
                        ExitWatch.unregister(instanceName);
                        terminated.countDown();
                    }
                });
    }

    private static int workerThreads(Member m) {
        try {
            return Integer.parseInt(m.getAttribute(Wire.WORKER_ATTRIBUTE));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // unknown: never send ahead to it
        }
    }

    // ---------------------------------------------------------------- errors

    private static boolean memberLoss(Throwable t) {
        for (int i = 0; t != null && i < 5; t = t.getCause(), i++) {
            if (t instanceof MemberLeftException
                    || t instanceof TargetNotMemberException
                    || t instanceof TargetDisconnectedException
                    || t instanceof HazelcastInstanceNotActiveException
                    || t instanceof HazelcastClientOfflineException
                    || t instanceof HazelcastClientNotActiveException
                    || t instanceof IOException
                    || t instanceof RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Where a failure that came from member {@code s} ran, for {@link SubmitSite}. */
    private static String ranOn(Slot s) {
        return "member " + Wire.address(s.member);
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ClusterEngine[" + poolName + ", cluster '" + settings.clusterName() + "', " + slots.size()
                    + " members, " + queue.size() + " queued, " + inFlight + " in flight, n=" + n + ", " + pacing + "]";
        } finally {
            lock.unlock();
        }
    }
}
