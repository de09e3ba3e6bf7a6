package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.context.CarriedContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Short calls to one member, sent as one message and run there one after another on one thread
 * of its {@code background} executor, their answers coming back as one message. With a cluster
 * secret that is one seal and one open each way for all of them, where calls sent one by one
 * cost four AES-GCM operations each (as much as a no-op task's own work); without one, one
 * Hazelcast invocation instead of many. The client sends calls so only when its estimates say
 * that running them in a row holds no answer back by more than a round trip
 * ({@code RemoteDispatcher.callsInRow}), and never calls with a time limit.
 *
 * <p>The plain bytes are {@code batchId(16) count(4)} and, for each call, its name, its context
 * (as {@link RemoteCall} packs them) and its serialised call with an int length. The answer is an
 * {@link Outcome} that holds each call's outcome, in order ({@link Outcome#ofCalls}).
 *
 * <p>Each call is interrupted on its own ({@link #interrupt}, sent as a {@link BatchCancel} to
 * the member's control executor, since every thread of its {@code background} executor may be
 * busy): the one running is interrupted, one not yet begun never begins (it ends with a
 * {@link CancellationException}), even if its batch still waits in the executor's queue, and one
 * that ended is left alone.
 *
 * <p>Maintainers: {@link #RUNNING} maps the id of each batch being run on this JVM, or
 * interrupted before it began, to its {@link Run}. A batch that begins takes over the run an early
 * interrupt made ({@code compute}, so that the two cannot both make one), and removes exactly
 * its own at its end; runs never taken over expire ({@link #EARLY_NANOS}) and are capped
 * ({@link #MAX_EARLY}), swept whenever an interrupt would make one. A run's monitor orders a
 * call's beginning and end against an interrupt, so that an interrupt meant for one call never
 * reaches the next: the running thread clears its interrupt status under the monitor as it ends
 * a call, and an interrupt is only delivered under it to the call that is running.
 */
public final class RemoteBatch implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /**
     * The batches being run in this JVM, by id, for {@link #interrupt}; and those interrupted
     * before they began (still queued in the executor), so that the calls interrupted then never
     * begin.
     */
    private static final Map<UUID, Run> RUNNING = new ConcurrentHashMap<>();
    /** The most calls in one batch; a row is at most the send-ahead rule's deepest queue, 256. */
    static final int MAX_CALLS = 1024;
    /**
     * The most batches interrupted before they began that are remembered at once: interrupts
     * travel unsealed (so that a member's control thread never opens anything), so anyone could
     * send them, and each remembered one takes memory until its batch begins or it expires.
     */
    static final int MAX_EARLY = 4096;
    /** An interrupt for a batch that has not begun is forgotten after this (the seal window). */
    static final long EARLY_NANOS = TimeUnit.MILLISECONDS.toNanos(Sealer.WINDOW_MILLIS);

    private byte[] payload;
    /** Whether {@link #payload} is sealed. */
    private boolean sealed;

    @SuppressWarnings("NullAway.Init") // set by Hazelcast, through setHazelcastInstance, before call()
    private transient HazelcastInstance member;

    @SuppressWarnings("NullAway.Init") // for Hazelcast, which then calls readData
    RemoteBatch() {}

    private RemoteBatch(byte[] payload, boolean sealed) {
        this.payload = payload;
        this.sealed = sealed;
    }

    /** One call of a batch, as the client has it. */
    static final class Entry {
        final String name;
        final byte[] call;
        final @Nullable CarriedContext context;

        Entry(String name, byte[] call, @Nullable CarriedContext context) {
            this.name = name;
            this.call = call;
            this.context = context;
        }
    }

    /**
     * Calls to run in a row, sealed with {@code sealer} if not null.
     *
     * @param id names the batch in {@link BatchCancel}s
     */
    static RemoteBatch of(@Nullable Sealer sealer, UUID id, List<Entry> calls) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 256 * calls.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (sealer != null) {
                out.write(new byte[Sealer.HEADER]); // room for the header, sealed in place
            }
            out.writeLong(id.getMostSignificantBits());
            out.writeLong(id.getLeastSignificantBits());
            out.writeInt(calls.size());
            for (Entry e : calls) {
                RemoteCall.writeString(out, e.name);
                RemoteCall.writeContext(out, e.context);
                out.writeInt(e.call.length);
                out.write(e.call);
            }
            if (sealer != null) {
                out.write(new byte[Sealer.OVERHEAD - Sealer.HEADER]); // room for the tag
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        byte[] message = bytes.toByteArray();
        return sealer == null
                ? new RemoteBatch(message, false)
                : new RemoteBatch(sealer.sealTasksInPlace(message), true);
    }

    /** The nonce of the sealed batch, which its answer is bound to; null if not sealed. */
    byte @Nullable [] sealedNonce() {
        return sealed ? Sealer.nonce(payload) : null;
    }

    /**
     * Interrupts call {@code index} of the batch {@code id}: the call, if it is running; if it
     * has not begun, it never will, even if the batch itself has not begun here yet (it waits in
     * the executor's queue: the interrupt is remembered for {@link #EARLY_NANOS}). An interrupt
     * for a batch that has ended, or never comes, is remembered as long and then forgotten.
     *
     * @return false if it was not taken: no such call, or too many remembered ({@link #MAX_EARLY}),
     *     in which case the sender asks again later
     */
    static boolean interrupt(UUID id, int index) {
        if (index < 0 || index >= MAX_CALLS) {
            return false;
        }
        Run run = RUNNING.get(id);
        if (run == null) {
            long now = System.nanoTime();
            RUNNING.values().removeIf(r -> r.expired(now));
            if (RUNNING.size() >= MAX_EARLY) {
                return false;
            }
            run = RUNNING.computeIfAbsent(id, k -> new Run());
        }
        run.interrupt(index);
        return true;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Outcome call() {
        MemberInvocation.Codec codec = MemberInvocation.Codec.of(member);
        Sealer sealer = (Sealer) member.getUserContext().get(Wire.SEALER);
        String mismatch = RemoteCall.mismatch(sealer, sealed);
        if (mismatch != null) {
            return RemoteCall.refuse(member, codec, mismatch);
        }
        Sealer.Opened opened = null;
        byte[] plain = payload;
        if (sealer != null) {
            try {
                opened = sealer.openTasks(payload);
            } catch (SealException e) {
                return RemoteCall.refuse(
                        member,
                        codec,
                        "it does not open with this member's secret (" + sealer.source() + "): " + e.getMessage());
            }
            plain = opened.plain();
        }
        UUID id;
        List<RemoteCall> calls;
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
            id = new UUID(in.readLong(), in.readLong());
            int count = in.readInt();
            if (count < 1 || count > MAX_CALLS) {
                throw new IOException("a count of " + count + " calls");
            }
            calls = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = RemoteCall.readString(in);
                CarriedContext context = RemoteCall.readContext(in);
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IOException("a call of " + length + " bytes with " + in.available() + " left");
                }
                byte[] call = new byte[length];
                in.readFully(call);
                calls.add(new RemoteCall(name, call, context));
            }
        } catch (IOException e) { // authentic if sealed, so sent by a pool of another version
            return RemoteCall.refuse(member, codec, "it does not read as calls of this version: " + e);
        }
        long start = System.nanoTime();
        List<Outcome> outcomes = run(id, calls, codec);
        long rowNanos = System.nanoTime() - start;
        return sealer == null
                ? Outcome.ofCalls(outcomes, rowNanos)
                : Outcome.sealed(sealer.sealResult(Outcome.pack(outcomes, rowNanos), Objects.requireNonNull(opened)));
    }

    /** Runs the calls one after another, each interruptible on its own. */
    private List<Outcome> run(UUID id, List<RemoteCall> calls, MemberInvocation.Codec codec) {
        Run[] mine = new Run[1];
        RUNNING.compute(id, (k, known) -> {
            if (known != null && !known.started()) {
                mine[0] = known.start(calls.size()); // interrupted before it began
                return known;
            }
            mine[0] = new Run().start(calls.size());
            // A second batch of a running one's id (without a secret, nothing refuses a copy):
            // it runs, but interrupts by id reach the first.
            return known == null ? mine[0] : known;
        });
        Run run = mine[0];
        List<Outcome> outcomes = new ArrayList<>(calls.size());
        try {
            for (int i = 0; i < calls.size(); i++) {
                if (!run.begin(i)) {
                    outcomes.add(Outcome.failure(
                                    codec,
                                    Wire.address(member.getCluster().getLocalMember()),
                                    new CancellationException("interrupted before it began"))
                            .took(-1)); // no sample for the send-ahead rule
                    continue;
                }
                try {
                    outcomes.add(calls.get(i).runOn(member, codec));
                } finally {
                    run.end(i);
                }
            }
        } finally {
            RUNNING.remove(id, run);
        }
        return outcomes;
    }

    /**
     * Which call of a batch runs, and which were interrupted before they began; made by the first
     * interrupt if that comes before the batch begins, then taken over by the batch.
     */
    static final class Run {
        private final BitSet interrupted = new BitSet();
        private final long created = System.nanoTime();
        /** The thread that runs the batch; null until it begins. */
        private @Nullable Thread runner;
        /** How many calls the batch has; unknown (-1) until it begins. */
        private int calls = -1;
        /** The call running or about to, and whether it runs. */
        private int at;

        private boolean running;

        /** The batch begins on this thread, with {@code calls} calls; returns this. */
        synchronized Run start(int calls) {
            this.calls = calls;
            this.runner = Thread.currentThread();
            return this;
        }

        synchronized boolean started() {
            return runner != null;
        }

        /** Whether this was made by an interrupt before its batch began, longer ago than {@link #EARLY_NANOS}. */
        synchronized boolean expired(long now) {
            return runner == null && now - created > EARLY_NANOS;
        }

        /** Whether call {@code index} may begin: it was not interrupted before. */
        synchronized boolean begin(int index) {
            at = index;
            running = !interrupted.get(index);
            return running;
        }

        /** Call {@code index} ended: an interrupt meant for it must not reach the next. */
        synchronized void end(int index) {
            running = false;
            at = index + 1;
            Thread.interrupted();
        }

        synchronized void interrupt(int index) {
            if (index < 0 || index >= MAX_CALLS || (calls >= 0 && index >= calls) || index < at) {
                return; // not a call of this batch, or ended
            }
            Thread r = runner;
            if (index == at && running && r != null) {
                r.interrupt();
            } else {
                interrupted.set(index);
            }
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(payload);
        out.writeBoolean(sealed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        payload = Objects.requireNonNull(in.readByteArray(), "payload");
        sealed = in.readBoolean();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.REMOTE_BATCH;
    }
}
