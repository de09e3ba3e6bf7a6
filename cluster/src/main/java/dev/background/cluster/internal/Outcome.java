package dev.background.cluster.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.RemoteTaskException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a task ended on a member: its serialised result, or its serialised failure together with
 * a {@link RemoteTaskException} stand-in, used when the original cannot be rebuilt by the
 * submitter (not serialisable, or its class unknown there). A failure also says which member
 * ran the task; a success does not, to keep the common answer small.
 */
public final class Outcome implements IdentifiedDataSerializable {
    private boolean failed;
    private @Nullable String member;
    private byte @Nullable [] data;
    private byte @Nullable [] standIn;
    private long nanos;
    /** The whole answer, sealed; when set, the fields above are empty. */
    private byte @Nullable [] sealed;
    /** Whether the member declined the task before it began, because it is draining. */
    private boolean declined;
    /** Why the member refused the task, in plain words; only on an unsealed refusal. */
    private @Nullable String refusal;
    /**
     * The outcomes of calls run in a row, unsealed ({@link #pack}); when set, the fields above are
     * empty. Such an answer travels as {@link Wire#OUTCOMES}, so that a single answer's format
     * ({@link Wire#OUTCOME}) stays what workers of earlier versions write and read.
     */
    private byte @Nullable [] calls;
    /** Made to read an {@link Wire#OUTCOMES}. */
    private boolean ofCalls;
    /**
     * Of one of calls run in a row: how long its answer waited on the member for the others (the
     * row's time on the member, its opening included, less the call's own); not sent.
     */
    private long heldNanos;

    Outcome() {}

    /** An answer to calls run in a row, to be read by Hazelcast ({@link Wire#OUTCOMES}). */
    static Outcome toReadOfCalls() {
        Outcome o = new Outcome();
        o.ofCalls = true;
        return o;
    }

    /** The answer of a draining member to a task it did not begin: send it elsewhere. */
    static Outcome decline() {
        Outcome o = new Outcome();
        o.declined = true;
        return o;
    }

    /** Whether the member declined the task (it never began there) because it is leaving. */
    boolean declined() {
        return declined;
    }

    /** An answer sealed by the member: {@code sealed} holds the serialised outcome. */
    static Outcome sealed(byte[] sealed) {
        Outcome o = new Outcome();
        o.sealed = sealed;
        return o;
    }

    /** A task refused before it was opened: a failure, and the reason in plain words. */
    static Outcome refusal(MemberInvocation.Codec codec, String member, String why, Throwable error) {
        Outcome o = failure(codec, member, error);
        o.refusal = why;
        return o;
    }

    /**
     * The answer inside a sealed one, checked to answer the task sealed with the nonce
     * {@code taskNonce}; nothing in it is read before it has opened, and opening deserialises
     * nothing (see {@link #toPlain}).
     *
     * @throws SealException if this answer is not sealed, or does not open
     */
    Outcome open(Sealer sealer, byte[] taskNonce) throws SealException {
        if (sealed == null) {
            throw new SealException(
                    "it is not sealed" + (refusal == null ? "" : " (the member refused the task: " + refusal + ")"));
        }
        return fromPlain(sealer.openResult(sealed, taskNonce));
    }

    /** The unsealed answer to calls run in a row ({@link RemoteBatch}): their outcomes, in order. */
    static Outcome ofCalls(List<Outcome> outcomes, long rowNanos) {
        Outcome o = new Outcome();
        o.calls = pack(outcomes, rowNanos);
        return o;
    }

    /**
     * Outcomes as one message's plain bytes: their count, how long the member spent on the whole
     * row ({@code rowNanos}), then each one's {@link #toPlain} with its length.
     */
    static byte[] pack(List<Outcome> outcomes, long rowNanos) {
        List<byte[]> plains = new ArrayList<>(outcomes.size());
        int size = 12;
        for (Outcome o : outcomes) {
            byte[] p = o.toPlain();
            plains.add(p);
            size += 4 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(plains.size()).putLong(rowNanos);
        for (byte[] p : plains) {
            b.putInt(p.length).put(p);
        }
        return b.array();
    }

    /**
     * The outcomes of the {@code count} calls run in a row that this answers, in order: opened
     * with {@code sealer} and checked to answer the calls sealed with the nonce
     * {@code callsNonce} if the pool has a secret. An answer that is a single failure (the member
     * refused the calls, unsealed) is each call's.
     *
     * @throws SealException if the pool has a secret and this answer is not sealed or does not
     *     open, or if it does not hold {@code count} outcomes
     */
    List<Outcome> outcomesOfCalls(@Nullable Sealer sealer, byte @Nullable [] callsNonce, int count)
            throws SealException {
        byte[] packed;
        if (sealer != null) {
            if (sealed == null) {
                throw new SealException("it is not sealed"
                        + (refusal == null ? "" : " (the member refused the calls: " + refusal + ")"));
            }
            packed = sealer.openResults(sealed, Objects.requireNonNull(callsNonce, "the calls' nonce"));
        } else if (calls == null) {
            return Collections.nCopies(count, this);
        } else {
            packed = calls;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(packed);
            int n = b.getInt();
            if (n != count) {
                throw new SealException("it holds " + n + " outcomes for " + count + " calls");
            }
            long rowNanos = b.getLong();
            List<Outcome> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] plain = get(b);
                if (plain == null) {
                    throw new SealException("it holds no outcome for call " + i);
                }
                Outcome o = fromPlain(plain);
                o.heldNanos = o.nanos < 0 ? 0 : Math.max(0, rowNanos - o.nanos);
                outcomes.add(o);
            }
            if (b.hasRemaining()) {
                throw new SealException("it holds more than " + count + " outcomes");
            }
            return outcomes;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SealException("it opened but holds no answers", e);
        }
    }

    /**
     * This answer as the bytes to seal, written once by hand rather than by Hazelcast's
     * serialisation (whose output the sealed answer would then carry inside Hazelcast's again):
     * {@code failed(1) declined(1) nanos(8)}, then the member, the data and the stand-in, each as
     * an int length ({@code -1} for null) and its bytes. Never for a sealed or refused answer.
     */
    byte[] toPlain() {
        byte @Nullable [] where = member == null ? null : member.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(10 + sized(where) + sized(data) + sized(standIn));
        b.put((byte) (failed ? 1 : 0)).put((byte) (declined ? 1 : 0)).putLong(nanos);
        put(b, where);
        put(b, data);
        put(b, standIn);
        return b.array();
    }

    /** What {@link #toPlain} wrote; an opened answer that does not read so is no answer. */
    static Outcome fromPlain(byte[] plain) throws SealException {
        try {
            ByteBuffer b = ByteBuffer.wrap(plain);
            Outcome o = new Outcome();
            o.failed = flag(b.get());
            o.declined = flag(b.get());
            o.nanos = b.getLong();
            byte @Nullable [] where = get(b);
            o.member = where == null ? null : new String(where, StandardCharsets.UTF_8);
            o.data = get(b);
            o.standIn = get(b);
            if (b.hasRemaining() || (o.failed && o.standIn == null)) {
                throw new SealException("it opened but holds no answer");
            }
            return o;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SealException("it opened but holds no answer", e);
        }
    }

    private static int sized(byte @Nullable [] bytes) {
        return 4 + (bytes == null ? 0 : bytes.length);
    }

    private static void put(ByteBuffer b, byte @Nullable [] bytes) {
        if (bytes == null) {
            b.putInt(-1);
        } else {
            b.putInt(bytes.length).put(bytes);
        }
    }

    private static byte @Nullable [] get(ByteBuffer b) {
        int length = b.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > b.remaining()) {
            throw new IllegalArgumentException("a length of " + length + " with " + b.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }

    private static boolean flag(byte b) {
        if (b != 0 && b != 1) {
            throw new IllegalArgumentException("a flag of " + b);
        }
        return b == 1;
    }

    static Outcome success(byte @Nullable [] value) {
        Outcome o = new Outcome();
        o.data = value;
        return o;
    }

    static Outcome failure(MemberInvocation.Codec codec, String member, Throwable error) {
        Outcome o = new Outcome();
        o.failed = true;
        o.member = member;
        try {
            o.data = codec.toBytes(error);
        } catch (RuntimeException notSerialisable) {
            o.data = null;
        }
        o.standIn = codec.toBytes(RemoteTaskException.standInFor(error));
        return o;
    }

    /** Records how long the member's thread spent on the task; returns this. */
    Outcome took(long nanos) {
        this.nanos = nanos;
        return this;
    }

    /**
     * How long the member's thread spent on the task, from receiving it to packing this answer;
     * negative for one of calls in a row that never began.
     */
    long nanos() {
        return nanos;
    }

    /** Of one of calls run in a row: how long its answer waited on the member for the others' ({@code 0} else). */
    long heldNanos() {
        return heldNanos;
    }

    boolean failed() {
        return failed;
    }

    /** The member that ran the task, for failures; null for successes. */
    @Nullable
    String member() {
        return member;
    }

    /** The result, rebuilt by the submitter; throws what deserialisation throws. */
    @Nullable
    Object value(MemberInvocation.Codec codec) {
        return data == null ? null : codec.toObject(data);
    }

    /** The failure, rebuilt by the submitter: the original if possible, else the stand-in. */
    Throwable error(MemberInvocation.Codec codec) {
        if (data != null) {
            try {
                return (Throwable) codec.toObject(data);
            } catch (RuntimeException unknownHere) {
                // fall through to the stand-in, which only needs our own classes
            }
        }
        return (Throwable) codec.toObject(Objects.requireNonNull(standIn, "a failure has a stand-in"));
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(failed);
        out.writeString(member);
        out.writeByteArray(data);
        out.writeByteArray(standIn);
        out.writeLong(nanos);
        out.writeByteArray(sealed);
        out.writeString(refusal);
        out.writeBoolean(declined);
        if (calls != null) {
            out.writeByteArray(calls);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        failed = in.readBoolean();
        member = in.readString();
        data = in.readByteArray();
        standIn = in.readByteArray();
        nanos = in.readLong();
        sealed = in.readByteArray();
        refusal = in.readString();
        declined = in.readBoolean();
        if (ofCalls) {
            calls = in.readByteArray();
        }
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return calls != null || ofCalls ? Wire.OUTCOMES : Wire.OUTCOME;
    }
}
