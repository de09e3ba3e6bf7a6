package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.TaskTransferException;
import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.function.CheckedCallable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * One task as sent to a member: its name, its carried context (strings) and its call, serialised
 * by the submitting side. On the member, {@link #call()} turns the bytes back into the call
 * (through the member's class loader and its deserialisation allowlist), runs it inside the
 * carried context (restored with the propagators installed with the member's class loader), and
 * returns an {@link Outcome}; it never throws, so every failure reaches the submitter with our
 * message rather than Hazelcast's.
 *
 * <p>With a cluster secret, the name, the context and the call travel sealed ({@link #sealed}):
 * nothing of a request's context is readable on the wire. A member with a secret opens them
 * before it deserialises anything, refuses a task that is not sealed or does not open (with an
 * unsealed refusal the sender can read), and seals its answer.
 */
public final class RemoteCall implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String name;
    private byte[] payload;
    /** The submitter's context, sent in the clear only when the call is not sealed. */
    private @Nullable CarriedContext context;
    /** Whether {@link #payload} is the packed task, sealed ({@link #sealed}); name empty, context null. */
    private boolean sealed;

    /** The propagators installed with each member class loader; looked up once per loader. */
    private static final Map<ClassLoader, List<ContextPropagator<?>>> INSTALLED = new WeakHashMap<>();

    @SuppressWarnings("NullAway.Init") // set by Hazelcast, through setHazelcastInstance, before call()
    private transient HazelcastInstance member;

    @SuppressWarnings("NullAway.Init") // for Hazelcast, which then calls readData
    RemoteCall() {}

    RemoteCall(String name, byte[] payload, @Nullable CarriedContext context) {
        this.name = name;
        this.payload = payload;
        this.context = context;
    }

    /**
     * A task sealed with {@code sealer}: nothing of it travels in the clear, its context included.
     * Packed straight into the message that is then sealed in place: a task is written once.
     */
    static RemoteCall sealed(Sealer sealer, String name, byte[] payload, @Nullable CarriedContext context) {
        byte[] head = packHead(name, context);
        byte[] message = new byte[Sealer.OVERHEAD + head.length + payload.length];
        System.arraycopy(head, 0, message, Sealer.HEADER, head.length);
        System.arraycopy(payload, 0, message, Sealer.HEADER + head.length, payload.length);
        RemoteCall c = new RemoteCall("", sealer.sealTaskInPlace(message), null);
        c.sealed = true;
        return c;
    }

    /** The nonce of the sealed task, which its answer is bound to; null if not sealed. */
    byte @Nullable [] sealedNonce() {
        return sealed ? Sealer.nonce(payload) : null;
    }

    /** The name and the context, which precede the call in a packed task. */
    private static byte[] packHead(String name, @Nullable CarriedContext context) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, name);
            writeContext(out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return bytes.toByteArray();
    }

    /** What {@link #sealed} packed: the name and the context ({@link #packHead}), then the call. */
    private static final class Unpacked {
        final String name;
        final @Nullable CarriedContext context;
        final byte[] payload;

        Unpacked(byte[] packed) throws IOException {
            ByteArrayInputStream rest = new ByteArrayInputStream(packed);
            DataInputStream in = new DataInputStream(rest);
            name = readString(in);
            context = readContext(in);
            // A sized read: DataInputStream inherits InputStream's readAllBytes, which zeroes a
            // 16 KiB buffer per call (2.4 µs of a member's CPU per task, see BENCHMARKS.md).
            payload = Arrays.copyOfRange(packed, packed.length - rest.available(), packed.length);
        }
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Outcome call() {
        long start = System.nanoTime();
        Received r = receive(member, sealed, payload, Sealer::openTask);
        if (r.refusal != null) {
            return r.refusal;
        }
        if (r.sealer == null) {
            return admitted(r.codec, name, payload, context).took(System.nanoTime() - start);
        }
        Unpacked task;
        try {
            task = new Unpacked(r.plain);
        } catch (IOException e) { // authentic, so sealed by a pool of another version
            return refuse(r.codec, "it opens but does not read as a task of this version: " + e);
        }
        Outcome o = admitted(r.codec, task.name, task.payload, task.context).took(System.nanoTime() - start);
        return Outcome.sealed(r.sealer.sealResult(o.toPlain(), Objects.requireNonNull(r.opened)));
    }

    /** Opens a sealed message with a member's secret ({@link Sealer#openTask} or {@link Sealer#openTasks}). */
    interface Opener {
        Sealer.Opened open(Sealer sealer, byte[] sealed) throws SealException;
    }

    /**
     * What a member received ({@link RemoteCall} or {@link RemoteBatch}), before anything in it is
     * read: its plain bytes, opened with the member's secret if it has one, or its refusal.
     */
    static final class Received {
        final MemberInvocation.Codec codec;
        /** The member's, if it has a secret; then the message came sealed and opened. */
        final @Nullable Sealer sealer;

        final Sealer.@Nullable Opened opened;
        final byte[] plain;
        /** Why the member refuses it, to answer with; null if it takes it. */
        final @Nullable Outcome refusal;

        private Received(
                MemberInvocation.Codec codec,
                @Nullable Sealer sealer,
                Sealer.@Nullable Opened opened,
                byte[] plain,
                @Nullable Outcome refusal) {
            this.codec = codec;
            this.sealer = sealer;
            this.opened = opened;
            this.plain = plain;
            this.refusal = refusal;
        }
    }

    /**
     * Takes a message that came {@code sealed} or not: refused if only one side has a secret or
     * it does not open with the member's; else its plain bytes.
     */
    static Received receive(HazelcastInstance member, boolean sealed, byte[] payload, Opener opener) {
        MemberInvocation.Codec codec = MemberInvocation.Codec.of(member);
        Sealer sealer = (Sealer) member.getUserContext().get(Wire.SEALER);
        String mismatch = mismatch(sealer, sealed);
        if (mismatch != null) {
            return new Received(codec, null, null, payload, refuse(member, codec, mismatch));
        }
        if (sealer == null) {
            return new Received(codec, null, null, payload, null);
        }
        try {
            Sealer.Opened opened = opener.open(sealer, payload);
            return new Received(codec, sealer, opened, opened.plain(), null);
        } catch (SealException e) {
            String why = "it does not open with this member's secret (" + sealer.source() + "): " + e.getMessage();
            return new Received(codec, null, null, payload, refuse(member, codec, why));
        }
    }

    /**
     * Why a member with {@code sealer} (null: no secret) refuses what came {@code sealed} or not;
     * null if it takes it.
     */
    private static @Nullable String mismatch(@Nullable Sealer sealer, boolean sealed) {
        if (sealer == null && sealed) {
            return "it is sealed with a cluster secret and this member has none. Give the"
                    + " worker the pools' secret (background worker --secret-file FILE, or the environment"
                    + " variable " + ClusterSecret.ENVIRONMENT + ")";
        }
        if (sealer != null && !sealed) {
            return "it is not sealed, and this member takes only tasks sealed with the cluster's"
                    + " secret. Give the pool the workers' secret (ClusterKind.builder().secretFile(..), or the"
                    + " environment variable " + ClusterSecret.ENVIRONMENT + ")";
        }
        return null;
    }

    /**
     * Runs this call, unsealed or already opened, on {@code member}, as one of calls run in a
     * row ({@link RemoteBatch}): declined if the worker is draining, timed from now.
     */
    Outcome runOn(HazelcastInstance member, MemberInvocation.Codec codec) {
        long start = System.nanoTime();
        this.member = member;
        return admitted(codec, name, payload, context).took(System.nanoTime() - start);
    }

    /** Refuses the task before anything in it is deserialised, in words its sender can read. */
    private Outcome refuse(MemberInvocation.Codec codec, String why) {
        return refuse(member, codec, why);
    }

    /** A refusal by {@code member} of a task or of calls in a row, in words its sender can read. */
    static Outcome refuse(HazelcastInstance member, MemberInvocation.Codec codec, String why) {
        String where = Wire.address(member.getCluster().getLocalMember());
        String message = "a task was refused by member " + where + " of cluster '"
                + member.getConfig().getClusterName() + "': " + why;
        return Outcome.refusal(codec, where, message, new TaskTransferException(message, null));
    }

    /** Runs the task unless the worker is draining, in which case it declines it before it begins. */
    private Outcome admitted(
            MemberInvocation.Codec codec, String name, byte[] payload, @Nullable CarriedContext context) {
        Drain drain = (Drain) member.getUserContext().get(Wire.DRAIN);
        if (drain == null) {
            return run(codec, name, payload, context);
        }
        if (!drain.enter()) {
            return Outcome.decline();
        }
        try {
            return run(codec, name, payload, context);
        } finally {
            drain.exit();
        }
    }

    private Outcome run(MemberInvocation.Codec codec, String name, byte[] payload, @Nullable CarriedContext context) {
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
        ContextPropagator.Scope scope = null;
        try {
            if (context != null) { // the submitter's context, and nothing else (see ContextPropagator)
                scope = context.restore(installed());
            }
            value = callable.call();
        } catch (Throwable t) {
            return Outcome.failure(codec, where(), t);
        } finally {
            if (scope != null) {
                scope.close(); // logs, never throws
            }
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

    private List<ContextPropagator<?>> installed() {
        ClassLoader loader = member.getConfig().getClassLoader();
        ClassLoader key = loader != null ? loader : RemoteCall.class.getClassLoader();
        synchronized (INSTALLED) {
            return INSTALLED.computeIfAbsent(key, ContextPropagator::installed);
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
        writeContext(out, context);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        name = Objects.requireNonNull(in.readString(), "name");
        payload = Objects.requireNonNull(in.readByteArray(), "payload");
        sealed = in.readBoolean();
        context = readContext(in);
    }

    /** Writes a context as strings: the count of keys (-1 for none), then each key's fields. */
    static void writeContext(DataOutput out, @Nullable CarriedContext c) throws IOException {
        if (c == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(c.entries().size());
        for (Map.Entry<String, Map<String, String>> e : c.entries().entrySet()) {
            writeString(out, e.getKey());
            out.writeInt(e.getValue().size());
            for (Map.Entry<String, String> f : e.getValue().entrySet()) {
                writeString(out, f.getKey());
                writeString(out, f.getValue());
            }
        }
    }

    static @Nullable CarriedContext readContext(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            return null;
        }
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = readString(in);
            int fields = in.readInt();
            Map<String, String> map = new LinkedHashMap<>();
            for (int j = 0; j < fields; j++) {
                map.put(readString(in), readString(in));
            }
            entries.put(key, map);
        }
        return CarriedContext.of(entries);
    }

    /** UTF-8 with an int length: {@code writeUTF} stops at 64 KiB, which a context may pass. */
    static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("a string of negative length " + length);
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
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
