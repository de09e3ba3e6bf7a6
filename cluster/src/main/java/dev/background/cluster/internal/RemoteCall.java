package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.TaskTransferException;
import dev.background.function.CheckedCallable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * One task as sent to a member: its name and its call, serialised by the submitting side. On the
 * member, {@link #call()} turns the bytes back into the call (through the member's class loader
 * and its deserialisation allowlist), runs it, and returns an {@link Outcome}; it never throws,
 * so every failure reaches the submitter with our message rather than Hazelcast's.
 *
 * <p>With a cluster secret, the name and the call travel sealed ({@link #sealed}); a member with a
 * secret opens them before it deserialises anything, refuses a task that is not sealed or does
 * not open (with an unsealed refusal the sender can read), and seals its answer.
 */
public final class RemoteCall implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String name;
    private byte[] payload;
    /** Whether {@link #payload} is the sealed {@link #pack packed} name and call (and name is empty). */
    private boolean sealed;

    @SuppressWarnings("NullAway.Init") // set by Hazelcast, through setHazelcastInstance, before call()
    private transient HazelcastInstance member;

    @SuppressWarnings("NullAway.Init") // for Hazelcast, which then calls readData
    RemoteCall() {}

    RemoteCall(String name, byte[] payload) {
        this.name = name;
        this.payload = payload;
    }

    /** A task sealed with {@code sealer}: nothing of it travels in the clear. */
    static RemoteCall sealed(Sealer sealer, String name, byte[] payload) {
        RemoteCall c = new RemoteCall("", sealer.sealTask(pack(name, payload)));
        c.sealed = true;
        return c;
    }

    /** The sealed bytes, for opening the answer; null if not sealed. */
    byte @Nullable [] sealedBytes() {
        return sealed ? payload : null;
    }

    static byte[] pack(String name, byte[] payload) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + n.length + payload.length)
                .putInt(n.length)
                .put(n)
                .put(payload)
                .array();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Outcome call() {
        long start = System.nanoTime();
        MemberInvocation.Codec codec = MemberInvocation.Codec.of(member);
        Sealer sealer = (Sealer) member.getUserContext().get(Wire.SEALER);
        if (sealer == null && sealed) {
            return refuse(
                    codec,
                    "it is sealed with a cluster secret and this member has none. Give the"
                            + " worker the pools' secret (background worker --secret-file FILE, or the environment"
                            + " variable " + ClusterSecret.ENVIRONMENT + ")");
        }
        if (sealer == null) {
            return admitted(codec, name, payload).took(System.nanoTime() - start);
        }
        if (!sealed) {
            return refuse(
                    codec,
                    "it is not sealed, and this member takes only tasks sealed with the cluster's"
                            + " secret. Give the pool the workers' secret (ClusterKind.builder().secretFile(..), or the"
                            + " environment variable " + ClusterSecret.ENVIRONMENT + ")");
        }
        Sealer.Opened opened;
        try {
            opened = sealer.openTask(payload);
        } catch (SealException e) {
            return refuse(
                    codec, "it does not open with this member's secret (" + sealer.source() + "): " + e.getMessage());
        }
        ByteBuffer b = ByteBuffer.wrap(opened.plain());
        byte[] n = new byte[b.getInt()];
        b.get(n);
        byte[] call = new byte[b.remaining()];
        b.get(call);
        Outcome o = admitted(codec, new String(n, StandardCharsets.UTF_8), call).took(System.nanoTime() - start);
        return Outcome.sealed(sealer.sealResult(Objects.requireNonNull(codec.toBytes(o), "an outcome"), opened));
    }

    /** Refuses the task before anything in it is deserialised, in words its sender can read. */
    private Outcome refuse(MemberInvocation.Codec codec, String why) {
        String where = where();
        String message = "a task was refused by member " + where + " of cluster '"
                + member.getConfig().getClusterName() + "': " + why;
        return Outcome.refusal(codec, where, message, new TaskTransferException(message, null));
    }

    /** Runs the task unless the worker is draining, in which case it declines it before it begins. */
    private Outcome admitted(MemberInvocation.Codec codec, String name, byte[] payload) {
        Drain drain = (Drain) member.getUserContext().get(Wire.DRAIN);
        if (drain == null) {
            return run(codec, name, payload);
        }
        if (!drain.enter()) {
            return Outcome.decline();
        }
        try {
            return run(codec, name, payload);
        } finally {
            drain.exit();
        }
    }

    private Outcome run(MemberInvocation.Codec codec, String name, byte[] payload) {
        CheckedCallable<?> callable;
        try {
            callable = (CheckedCallable<?>) SerialGate.open(() -> codec.toObject(payload));
        } catch (Throwable t) { // class missing, refused by the allowlist, incompatible version
            String where = where();
            return Outcome.failure(codec, where, Transfer.cannotLoad(name, where, t));
        }
        Object value;
        Thread self = Thread.currentThread();
        String threadName = self.getName();
        self.setName(threadName + "/" + name); // for thread dumps and logs on the member
        try {
            value = callable.call();
        } catch (Throwable t) {
            return Outcome.failure(codec, where(), t);
        } finally {
            self.setName(threadName);
            Thread.interrupted(); // an interrupt meant for this task must not reach the next one
        }
        try {
            return Outcome.success(codec.toBytes(value));
        } catch (Throwable t) {
            String where = where();
            return Outcome.failure(codec, where, Transfer.resultNotSerialisable(name, where, value, t));
        }
    }

    /** This member's address; only failures carry it, to keep the common answer small. */
    private String where() {
        return Wire.address(member.getCluster().getLocalMember());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(name);
        out.writeByteArray(payload);
        out.writeBoolean(sealed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        name = Objects.requireNonNull(in.readString(), "name");
        payload = Objects.requireNonNull(in.readByteArray(), "payload");
        sealed = in.readBoolean();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.REMOTE_CALL;
    }
}
