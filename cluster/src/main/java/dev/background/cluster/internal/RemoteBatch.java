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
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
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
 * <p>Each call is interrupted on its own ({@link Rows#interrupt}, sent as a {@link BatchCancel} to
 * the member's control executor, since every thread of its {@code background} executor may be
 * busy): the one running is interrupted, one not yet begun never begins (it ends with a
 * {@link CancellationException}), even if its batch still waits in the executor's queue (for as
 * long as the seal window, and for up to 4,096 such batches at once: see {@link Rows}), and one
 * that ended is left alone.
 *
 * <p>Maintainers: the member's {@link Rows} (in its user context) knows which call of which row
 * runs; this class only unpacks, runs in order and packs.
 */
public final class RemoteBatch implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** The row the current thread runs, for {@link #currentRow}. */
    private static final ThreadLocal<UUID> CURRENT_ROW = new ThreadLocal<>();

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
     * The id of the row the current thread runs a call of; null if it runs none. Tells tests
     * which calls shared a row.
     */
    static @Nullable UUID currentRow() {
        return CURRENT_ROW.get();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Outcome call() {
        long start = System.nanoTime();
        RemoteCall.Received r = RemoteCall.receive(member, sealed, payload, Sealer::openTasks);
        if (r.refusal != null) {
            return r.refusal;
        }
        MemberInvocation.Codec codec = r.codec;
        byte[] plain = r.plain;
        UUID id;
        List<RemoteCall> calls;
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
            id = new UUID(in.readLong(), in.readLong());
            int count = in.readInt();
            if (count < 1 || count > Rows.MAX_CALLS) {
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
        List<Outcome> outcomes = run(id, calls, codec);
        long rowNanos = System.nanoTime() - start; // opening and unpacking too: time its answers were held
        return r.sealer == null
                ? Outcome.ofCalls(outcomes, rowNanos)
                : Outcome.sealed(
                        r.sealer.sealResult(Outcome.pack(outcomes, rowNanos), Objects.requireNonNull(r.opened)));
    }

    /** Runs the calls one after another, each interruptible on its own. */
    private List<Outcome> run(UUID id, List<RemoteCall> calls, MemberInvocation.Codec codec) {
        Rows rows = (Rows) Objects.requireNonNull(member.getUserContext().get(Wire.ROWS), "a worker's rows");
        Rows.Run run = rows.begin(id, calls.size());
        CURRENT_ROW.set(id);
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
            CURRENT_ROW.remove();
            rows.end(id, run);
        }
        return outcomes;
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
