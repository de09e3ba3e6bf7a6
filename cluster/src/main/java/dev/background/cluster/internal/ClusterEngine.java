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
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.background.cluster.ClusterUnavailableException;
import dev.background.context.CarriedContext;
import dev.background.internal.remote.RemoteDispatcher;
import dev.background.internal.remote.RemoteDispatcher.Call;
import dev.background.internal.remote.RemoteDispatcher.Send;
import dev.background.internal.remote.ReportedWorkers;
import dev.background.internal.remote.Scheduler;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import dev.background.spi.Job;
import dev.background.spi.SubmitSite;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The engine of the cluster kind: the transport of a {@link RemoteDispatcher} with workers that
 * it reports (the members), which holds all the scheduling (queue, calls per member, sending
 * ahead by its pacing rule, who owns a call, requeue of a lost
 * member's calls, faulty and leaving members, the member wait, shutdown). This class is a
 * Hazelcast client: it sends each call to its member through the members' {@code background}
 * executor ({@link MemberInvocation}), hands the answers and the membership to the dispatcher,
 * and settles the jobs.
 *
 * <p>Maintainers' overview.
 * <ul>
 * <li><b>Why not let Hazelcast queue.</b> A plain {@code IExecutorService} loses the tasks queued
 * on a member that dies (hazelcast#944); the durable executor re-runs finished tasks and fails on
 * per-partition capacity (hazelcast#9965, imdg-docs#317). So the queue lives in the dispatcher,
 * and each member holds at most {@code n} plus its send-ahead at a time.
 * <li><b>At least once, one result.</b> A member that leaves (membership event, the client's
 * disconnection, the tick's reconciliation) is reported to the dispatcher, which requeues its
 * calls; a send that fails with a member-loss error is reported as lost
 * ({@link RemoteDispatcher#onLost}); any other failure settles the job only if
 * {@link RemoteDispatcher#release} finds the call still the member's. A call's first outcome (a
 * result or the task's own exception) settles the job whoever owns the call, since any run's
 * outcome is a true one; the dispatcher drops a later one ({@link RemoteDispatcher#onOutcome}),
 * since settling twice would run a periodic or retried task's next run twice.
 * <li><b>Sealing</b> (with a cluster secret) stays here: a call is sealed at each send (a fresh
 * nonce each time) and its answer opened before anything in it is read; an answer that does not
 * open makes its member faulty ({@link RemoteDispatcher#onFaulty}): never sent to again, its
 * calls, this one included, go elsewhere.
 * <li><b>Members</b> are the dispatcher's worker handles, one {@link Member} object per member
 * UUID ({@link #known}), so that a member reported again is the same handle (and a faulty one
 * stays refused). So a completion names the {@link Send} it completes, not only the member: a
 * late one from before the member left and joined again must not be taken for the call's new
 * send to it.
 * <li><b>Threads.</b> {@link #execute} serialises in the caller's thread, so a non-serialisable
 * task fails at submit. Sends happen in whichever thread the dispatcher does its effects in (a
 * submitter, a completion, a membership event, a timer), never under its lock. Completions run on
 * a few virtual threads ({@link CompletionRunner}), never on Hazelcast's I/O threads, since
 * settling runs user callbacks; cancels on one virtual thread each, since each may retry. The
 * tick (every {@value #TICK_MILLIS} ms) reconciles the members with the client's list (events can
 * be missed across reconnections; the dispatcher's membership version keeps a list read before
 * an event from undoing it), nudges the completion runner when a callback holds its
 * drainers up, and shuts a forgotten idle engine down.
 * <li><b>Lock.</b> None that guards state: the dispatcher's guards the scheduling, and is never
 * held while this class runs (the dispatcher calls the transport outside it). {@link #seen} is a
 * monitor only to wait on in {@link #awaitWorker} (taken before the dispatcher's, never the other
 * way). {@link Payload}'s volatile fields close the race between a send and an interrupt
 * ({@link #interrupt}): whichever comes second cancels. A membership event and the tick may
 * report the same join or leave at once; the dispatcher ignores the repeat. The rest is set once
 * or volatile.
 * </ul>
 */
public final class ClusterEngine implements Engine, ReportedWorkers<Member, ClusterEngine.Payload> {

    static final long TICK_MILLIS = 200;

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final Settings settings;
    private final String poolName;
    /** The client's Hazelcast instance name, which prefixes its threads' names. */
    private final String instanceName;
    /** clustersafe: seals tasks and opens results when the kind has a secret; null without. */
    private final @Nullable Sealers sealers;
    /** How many {@link RemoteBatch}es were sent. */
    private final AtomicLong batchesSent = new AtomicLong();
    /** Runs completions on virtual threads, at most as many as the pool runs tasks at once. */
    private final CompletionRunner completer =
            new CompletionRunner("background-cluster-completion", () -> this.n * Math.max(1, this.members));
    /** One virtual thread per cancel: each may retry for a while. */
    private final Executor canceller = Thread.ofVirtual().name("background-cluster-cancel")::start;

    private final ScheduledExecutorService ticker;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final RemoteDispatcher<Member, Payload> dispatcher;
    /** The handle of each member seen, by UUID. */
    private final Map<UUID, Member> known = new ConcurrentHashMap<>();
    /** Notified when a member joins or the client connects, for {@link #awaitWorker}. */
    private final Object seen = new Object();

    /** The pool's n, read by {@link #completer} as a hint. */
    private volatile int n;
    /** How many members the dispatcher has, read by {@link #completer} as a hint. */
    private volatile int members;
    /** Whether the client is connected to the cluster (and so may create proxies and send). */
    private volatile boolean connected;
    /** clustersafe: how many members were found faulty, and why the last one was; for {@link #unavailable()}. */
    private final AtomicInteger faults = new AtomicInteger();

    private volatile @Nullable String lastFault;

    // Set once, right after the client starts; null before.
    private volatile @Nullable HazelcastInstance client;

    @SuppressWarnings("NullAway.Init") // set by open() before the engine is returned
    private volatile MemberInvocation.Client sender;
    /** The client's serialisation; {@code sender.codec()}. */
    @SuppressWarnings("NullAway.Init") // likewise
    private volatile MemberInvocation.Codec codec;

    /** A job's serialised call, across however many sends it takes. */
    static final class Payload {
        final byte[] bytes;
        /** The submitter's context, encoded once at submit; null if the pool propagates none. */
        final @Nullable CarriedContext context;
        /** The latest send, to interrupt; null before the first send. */
        volatile @Nullable Sent sent;
        /** Set by an interrupt; a send that sets {@link #sent} afterwards checks it. */
        volatile boolean interrupted;

        Payload(byte[] bytes, @Nullable CarriedContext context) {
            this.bytes = bytes;
            this.context = context;
        }
    }

    /**
     * A call's send: its invocation and, if it went in a {@link RemoteBatch}, the batch's id and
     * the call's place in it (else null and -1).
     */
    record Sent(MemberInvocation invocation, @Nullable UUID batch, int index) {}

    private ClusterEngine(Settings settings, String poolName, int n, EngineEvents events) {
        this.settings = settings;
        this.poolName = poolName;
        this.instanceName = "background-" + poolName + "-" + CLIENTS.incrementAndGet();
        ClusterSecret secret = settings.secret();
        this.sealers = secret == null ? null : new Sealers(settings.clusterName(), secret);
        this.n = n;
        this.dispatcher = RemoteDispatcher.reported(
                poolName,
                n,
                RemoteDispatcher.Policy.members(
                        settings.prefetch(), settings.memberWait().toNanos()),
                this,
                Scheduler.system(),
                events);
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
    @SuppressWarnings("FutureReturnValueIgnored") // the tick runs until termination shuts the ticker down
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
            // Creating the proxy registers the executor with the cluster, so it needs the
            // connection; sends then go through MemberInvocation.
            client.getExecutorService(Wire.EXECUTOR);
            client.getExecutorService(Wire.CONTROL);
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
        engine.dispatcher.start();
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
        // Start without blocking, and never give up reconnecting: the dispatcher decides when
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

    /** Waits until the client is connected and a worker member has joined; true if so in time. */
    private boolean awaitWorker(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connected || dispatcher.workers().isEmpty()) {
            long nanos = deadline - System.nanoTime();
            if (nanos <= 0) {
                return false;
            }
            synchronized (seen) { // joins and connections notify under it once they are visible
                if (!connected || dispatcher.workers().isEmpty()) {
                    TimeUnit.NANOSECONDS.timedWait(seen, Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)));
                }
            }
            reconcile(); // an event may have been missed
        }
        return true;
    }

    private void wake() {
        synchronized (seen) {
            seen.notifyAll();
        }
    }

    // ---------------------------------------------------------------- Engine

    @Override
    public void execute(Job job) {
        if (dispatcher.isShutdown()) {
            throw dispatcher.rejected();
        }
        CarriedContext context;
        try {
            context = job.carriedContext();
        } catch (RuntimeException e) { // a propagator could not encode: its message says which
            job.fail(e);
            return;
        }
        byte[] payload;
        try {
            payload = Objects.requireNonNull(codec.toBytes(job.callable()), "a call serialises to bytes");
        } catch (RuntimeException e) {
            job.fail(Transfer.notSerialisable(job.name(), settings.clusterName(), e));
            return;
        }
        dispatcher.execute(job, new Payload(payload, context));
    }

    @Override
    public void resize(int n) {
        this.n = n;
        dispatcher.resize(n);
    }

    @Override
    public void shutdown() {
        dispatcher.shutdown();
    }

    @Override
    public List<Job> shutdownNow() {
        return dispatcher.shutdownNow();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    // ---------------------------------------------------------------- the transport

    /**
     * Sends each call on its own, except short calls sent together: those go in a few
     * {@link RemoteBatch}es, each run in a row on one of the member's threads, so that a flood of
     * short calls costs one message (and, sealed, one seal and one open each way) per batch. A
     * batch holds at most {@link RemoteDispatcher#callsInRow} calls, so its first answer waits no
     * more than about a round trip for its last; there are at least as many batches as the sends
     * that found a free thread ({@link Send#toFreeThread}), as far as the calls go, so that the
     * member's free threads all work.
     */
    @Override
    public void send(Member member, List<Send<Payload>> sends) {
        List<Send<Payload>> inRow = new ArrayList<>(sends.size());
        for (Send<Payload> s : sends) {
            Call<Payload> call = Objects.requireNonNull(s.call(), "RUN and INTERRUPT carry their call");
            switch (s.op()) {
                case RUN -> {
                    if (call.job().timeLimitNanos() > 0) {
                        send(member, s); // its time limit counts from its own start
                    } else {
                        inRow.add(s);
                    }
                }
                case INTERRUPT -> interrupt(call.payload());
                default -> throw new IllegalStateException("members are never sent " + s.op());
            }
        }
        boolean runsRows = inRow.size() > 1 && member.getAttribute(Wire.ROWS_ATTRIBUTE) != null;
        int freeThreads = (int) inRow.stream().filter(Send::toFreeThread).count();
        int from = 0;
        for (int size : rows(inRow.size(), runsRows ? dispatcher.callsInRow() : 1, Math.max(1, freeThreads))) {
            if (size == 1) {
                send(member, inRow.get(from));
            } else {
                sendInRow(member, inRow.subList(from, from + size));
            }
            from += size;
        }
    }

    /**
     * How {@code calls} sent together to a member are grouped into calls run in a row: sizes as
     * even as may be, each at most {@code most}, and at least {@code threads} groups as far as
     * the calls go, so that the member's free threads all work (a busy member has rows queued
     * already). All 1 if {@code most} is.
     */
    static int[] rows(int calls, int most, int threads) {
        int groups = most < 2 ? calls : Math.max(ceilDiv(calls, most), Math.min(calls, threads));
        int[] sizes = new int[groups];
        for (int g = 0, left = calls; g < groups; g++) {
            sizes[g] = ceilDiv(left, groups - g);
            left -= sizes[g];
        }
        return sizes;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Sends calls to be run in a row, as one {@link RemoteBatch}. */
    private void sendInRow(Member member, List<Send<Payload>> sends) {
        Sealer sealing = sealers == null ? null : sealers.forMember(member.getUuid());
        List<RemoteBatch.Entry> entries = new ArrayList<>(sends.size());
        for (Send<Payload> s : sends) {
            Call<Payload> call = Objects.requireNonNull(s.call(), "a RUN carries its call");
            entries.add(new RemoteBatch.Entry(call.job().name(), call.payload().bytes, call.payload().context));
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        UUID id = new UUID(random.nextLong(), random.nextLong());
        byte[] nonce;
        MemberInvocation f;
        try {
            RemoteBatch batch = RemoteBatch.of(sealing, id, entries);
            nonce = batch.sealedNonce();
            f = sender.send(batch, member);
        } catch (RuntimeException e) {
            sends.forEach(s -> notSent(member, s, e));
            return;
        }
        batchesSent.incrementAndGet();
        for (int i = 0; i < sends.size(); i++) {
            Payload p = Objects.requireNonNull(sends.get(i).call()).payload();
            p.sent = new Sent(f, id, i);
            if (p.interrupted) {
                cancel(p.sent);
            }
        }
        List<Send<Payload>> batch = List.copyOf(sends);
        f.whenDone((o, e) -> completedInRow(member, batch, nonce, o, e), completer);
    }

    /** A send that could not go out: the member's loss, or the call's failure. */
    private void notSent(Member member, Send<Payload> s, RuntimeException e) {
        Job job = Objects.requireNonNull(s.call(), "a RUN carries its call").job();
        if (memberLoss(e)) {
            dispatcher.onLost(member, s);
        } else {
            dispatcher.release(member, s, () -> job.fail(SubmitSite.appendTo(e, job, null)));
        }
    }

    /** How many {@link RemoteBatch}es this engine sent; for tests and {@link #toString}. */
    long batchesSent() {
        return batchesSent.get();
    }

    private void send(Member member, Send<Payload> s) {
        Call<Payload> call = Objects.requireNonNull(s.call(), "a RUN carries its call");
        Job job = call.job();
        Payload p = call.payload();
        // clustersafe: sealed at each send, so that a task sent again goes with a fresh nonce.
        Sealer sealing = sealers == null ? null : sealers.forMember(member.getUuid());
        byte[] taskNonce;
        MemberInvocation f;
        try {
            // Sealing inside the try: a call that cannot be sealed fails alone, and the rest of
            // this batch of sends still goes out.
            RemoteCall remote = sealing == null
                    ? new RemoteCall(job.name(), p.bytes, p.context)
                    : RemoteCall.sealed(sealing, job.name(), p.bytes, p.context);
            taskNonce = remote.sealedNonce(); // all the answer needs: not the whole task, held till then
            f = sender.send(remote, member);
        } catch (RuntimeException e) {
            notSent(member, s, e);
            return;
        }
        Sent sent = new Sent(f, null, -1);
        p.sent = sent;
        if (p.interrupted) {
            cancel(sent);
        }
        f.whenDone((o, e) -> completed(member, s, taskNonce, o, e), completer);
    }

    @Override
    public String where(Member member) {
        return Wire.address(member);
    }

    @Override
    public RuntimeException unavailable(Job job) {
        return SubmitSite.appendTo(unavailable(), job, null);
    }

    /** The dispatcher is done: close the client, then report termination. */
    @Override
    public void terminated() {
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

    // ---------------------------------------------------------------- answers

    private void completed(
            Member member, Send<Payload> send, byte @Nullable [] taskNonce, Outcome outcome, Throwable error) {
        // clustersafe: a sealed answer is opened before anything in it is read; one that does not
        // open makes its member faulty, and the member's tasks, this one included, go elsewhere.
        Sealer sealing = sealers == null ? null : sealers.forMember(member.getUuid());
        if (error == null && sealing != null) {
            try {
                outcome = outcome.open(sealing, Objects.requireNonNull(taskNonce, "sealed"));
            } catch (SealException e) {
                faulty(member, e);
                return;
            }
        }
        answered(member, send, outcome, error, 0);
    }

    /** The answer to calls run in a row: each call's, opened once for all of them. */
    private void completedInRow(
            Member member, List<Send<Payload>> sends, byte @Nullable [] nonce, Outcome outcome, Throwable error) {
        if (error != null) {
            sends.forEach(s -> completer.execute(() -> answered(member, s, null, error, 0)));
            return;
        }
        List<Outcome> outcomes;
        try {
            outcomes = outcome.outcomesOfCalls(
                    sealers == null ? null : sealers.forMember(member.getUuid()), nonce, sends.size());
        } catch (SealException e) {
            faulty(member, e);
            return;
        }
        // Each settled by its own completion, not in one loop: a callback of one call may block on
        // another call of the same batch, which a stalled drainer's nudge must be able to reach.
        // Its answer was held for the others on the member, and here until its turn comes.
        long arrived = System.nanoTime();
        for (int i = 0; i < sends.size(); i++) {
            Send<Payload> send = sends.get(i);
            Outcome o = outcomes.get(i);
            completer.execute(() -> answered(member, send, o, null, o.heldNanos() + System.nanoTime() - arrived));
        }
    }

    /**
     * One call's answer, opened, or what went wrong with its send; {@code heldNanos}: how long
     * its answer waited for other calls of its row (kept out of the send-ahead rule's round trip).
     */
    private void answered(
            Member member, Send<Payload> send, @Nullable Outcome outcome, @Nullable Throwable error, long heldNanos) {
        Job job = Objects.requireNonNull(send.call(), "a RUN carries its call").job();
        if (error == null
                && Objects.requireNonNull(outcome, "an answer without an error").declined()) {
            dispatcher.onDeclined(member, send);
            return;
        }
        if (error == null) {
            Outcome opened = Objects.requireNonNull(outcome);
            // Settled by the first answer only, after the next tasks go out, before termination.
            dispatcher.onOutcome(member, send, opened.nanos(), heldNanos, () -> settle(job, member, opened));
            return;
        }
        Throwable cause = unwrap(error);
        if (memberLoss(cause)) {
            dispatcher.onLost(member, send);
        } else { // unless requeued by the member-loss handling: then the new send decides
            dispatcher.release(member, send, () -> job.fail(failure(job, member, cause)));
        }
    }

    /** A send's failure that is not the member's loss, as the job's. */
    private Throwable failure(Job job, Member member, Throwable cause) {
        if (cause instanceof CancellationException) {
            return new CancellationException("task '" + job.name() + "' was interrupted on member "
                    + Wire.address(member) + " (pool '" + poolName + "' shut down now)");
        }
        if (cause instanceof HazelcastSerializationException) {
            return SubmitSite.appendTo(Transfer.cannotReadResult(job.name(), Wire.address(member), cause), job, null);
        }
        return SubmitSite.appendTo(cause, job, ranOn(member));
    }

    private void settle(Job job, Member member, Outcome outcome) {
        if (outcome.failed()) {
            Throwable error;
            String ranOn = ranOn(member);
            try {
                error = outcome.error(codec);
            } catch (RuntimeException e) {
                error = Transfer.cannotReadResult(job.name(), outcome.member(), e);
                ranOn = null; // made here
            }
            job.fail(SubmitSite.appendTo(error, job, ranOn));
            return;
        }
        Object value;
        try {
            value = outcome.value(codec);
        } catch (RuntimeException e) {
            job.fail(SubmitSite.appendTo(Transfer.cannotReadResult(job.name(), Wire.address(member), e), job, null));
            return;
        }
        job.succeed(value);
    }

    /**
     * Asks the member running the call to interrupt it; a send that sets the invocation after
     * this sees the flag and cancels it itself, so neither order loses the interrupt.
     */
    private void interrupt(Payload p) {
        p.interrupted = true;
        Sent sent = p.sent;
        if (sent != null) {
            cancel(sent);
        }
    }

    /**
     * Asks the member to interrupt; off the caller's thread, since Hazelcast waits for the send.
     * A cancel that reaches the member before the task itself is refused there (the member does
     * not know the task yet) and the task would then run uninterrupted, so a refused cancel is
     * asked again, with a growing pause, until the call has ended one way or the other.
     */
    private void cancel(Sent sent) {
        MemberInvocation f = sent.invocation();
        UUID batch = sent.batch();
        canceller.execute(() -> {
            for (int attempt = 0; !f.isDone(); attempt++) {
                try {
                    if (batch == null ? f.cancel() : f.cancel(batch, sent.index())) {
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
        }

        @Override
        public void memberAdded(MembershipEvent event) {
            added(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            removed(event.getMember());
        }
    }

    /**
     * clustersafe: {@code member} answered with something that does not open with the secret
     * (unsealed, forged, another secret), or, without a secret, answered calls in a row with
     * something that does not read as their answers: it gets no more tasks from this pool, and
     * what it holds goes to the other members.
     */
    private void faulty(Member member, SealException e) {
        String why = settings.secret() == null
                ? "member " + Wire.address(member) + " answered with something this pool cannot read (a worker of"
                        + " another version?): " + e.getMessage()
                : "member " + Wire.address(member) + " answered with a result that does not open with this"
                        + " pool's secret (" + settings.secret() + "): " + e.getMessage();
        Log.LOGGER.log(
                System.Logger.Level.WARNING,
                "background pool '" + poolName + "': " + why + ". The pool sends it no more tasks; its tasks go to"
                        + " the other members");
        lastFault = why;
        faults.incrementAndGet();
        dispatcher.onFaulty(member);
        members = dispatcher.workers().size();
    }

    /** A member reported joined; or, with {@code listedAt}, found in a list read after that membership version. */
    private void added(Member m, long listedAt) {
        if (m.getAttribute(Wire.WORKER_ATTRIBUTE) == null) {
            return; // a member that is not a background worker has no background executor
        }
        Member handle = handle(m);
        boolean joined = listedAt == Long.MAX_VALUE
                ? dispatcher.onJoined(handle, workerThreads(m))
                : dispatcher.onListed(handle, workerThreads(m), listedAt);
        if (joined) {
            members = dispatcher.workers().size();
            wake();
        }
    }

    private void added(Member m) {
        added(m, Long.MAX_VALUE);
    }

    /**
     * A member reported left, even one not seen yet: the dispatcher keeps an older member list
     * from bringing it back.
     */
    private void removed(Member m) {
        if (m.getAttribute(Wire.WORKER_ATTRIBUTE) != null) {
            dispatcher.onLeft(handle(m));
            members = dispatcher.workers().size();
        }
    }

    /** The one handle of a member, whichever event or list names it. */
    private Member handle(Member m) {
        return known.computeIfAbsent(m.getUuid(), u -> m);
    }

    private void lifecycle(LifecycleEvent event) {
        switch (event.getState()) {
            case CLIENT_DISCONNECTED, SHUTTING_DOWN -> {
                // Cut off from every member: what they hold is as good as lost. Resend on reconnect.
                connected = false;
                dispatcher.onAllLeft(); // and a member list read before this brings none back
                members = dispatcher.workers().size();
            }
            case CLIENT_CONNECTED, CLIENT_CHANGED_CLUSTER -> {
                connected = true;
                wake();
                reconcile();
            }
            default -> {}
        }
    }

    /**
     * Brings the dispatcher's members in line with the client's member list. The membership
     * version read first lets the dispatcher ignore what the list says about a member whose
     * join or leave event came after it was read, so that a stale list never brings back a
     * member that has just left, nor drops one that has just joined.
     */
    private void reconcile() {
        HazelcastInstance c = client;
        if (c == null || !c.getLifecycleService().isRunning() || !connected) {
            return; // the client keeps its last member list while cut off: not a sign of life
        }
        long listedAt = dispatcher.membershipVersion();
        Set<Member> listed;
        try {
            listed = c.getCluster().getMembers();
        } catch (RuntimeException e) {
            return; // not connected; the disconnection handling has cleared the members
        }
        Set<UUID> present = new HashSet<>();
        for (Member m : listed) {
            present.add(m.getUuid());
            added(m, listedAt);
        }
        for (Member m : dispatcher.workers()) {
            if (!present.contains(m.getUuid())) {
                dispatcher.onUnlisted(m, listedAt);
            }
        }
        members = dispatcher.workers().size();
    }

    private void tick() {
        try {
            exitIfForgotten();
            completer.nudge();
            reconcile();
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
        if (!dispatcher.isShutdown() && ExitWatch.onlyClientsLeft()) {
            dispatcher.shutdownIfIdle();
        }
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
        String last = lastFault;
        return last == null ? "" : ". " + faults.get() + " member(s) were dropped as faulty; the last: " + last;
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

    /** Where a failure that came from {@code member} ran, for {@link SubmitSite}. */
    private static String ranOn(Member member) {
        return "member " + Wire.address(member);
    }

    @Override
    public String toString() {
        return "ClusterEngine[" + poolName + ", cluster '" + settings.clusterName() + "', " + dispatcher + ", "
                + batchesSent.get() + " rows sent]";
    }
}
