package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.context.CarriedContext;
import dev.background.context.ContextPropagator;
import dev.background.function.CheckedCallable;
import java.io.IOException;
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
 */
public final class RemoteCall implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String name;
    private byte[] payload;
    private @Nullable CarriedContext context;

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

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Outcome call() {
        long start = System.nanoTime();
        return run().took(System.nanoTime() - start);
    }

    private Outcome run() {
        MemberInvocation.Codec codec = MemberInvocation.Codec.of(member);
        CheckedCallable<?> callable;
        try {
            callable = (CheckedCallable<?>) codec.toObject(payload);
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
            CarriedContext c = context;
            if (c != null) { // the submitter's context, and nothing else (see ContextPropagator)
                scope = c.restore(installed());
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
        CarriedContext c = context;
        if (c == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(c.entries().size());
        for (Map.Entry<String, Map<String, String>> e : c.entries().entrySet()) {
            out.writeString(e.getKey());
            out.writeInt(e.getValue().size());
            for (Map.Entry<String, String> f : e.getValue().entrySet()) {
                out.writeString(f.getKey());
                out.writeString(f.getValue());
            }
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        name = Objects.requireNonNull(in.readString(), "name");
        payload = Objects.requireNonNull(in.readByteArray(), "payload");
        int count = in.readInt();
        if (count < 0) {
            context = null;
            return;
        }
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = Objects.requireNonNull(in.readString(), "context key");
            int fields = in.readInt();
            Map<String, String> map = new LinkedHashMap<>();
            for (int j = 0; j < fields; j++) {
                map.put(
                        Objects.requireNonNull(in.readString(), "context field"),
                        Objects.requireNonNull(in.readString(), "context value"));
            }
            entries.put(key, map);
        }
        context = CarriedContext.of(entries);
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
