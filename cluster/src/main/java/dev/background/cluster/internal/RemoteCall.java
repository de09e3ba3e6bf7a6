package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.background.function.CheckedCallable;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One task as sent to a member: its name and its call, serialised by the submitting side. On the
 * member, {@link #call()} turns the bytes back into the call (through the member's class loader
 * and its deserialisation allowlist), runs it, and returns an {@link Outcome}; it never throws,
 * so every failure reaches the submitter with our message rather than Hazelcast's.
 */
public final class RemoteCall implements Callable<Outcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private String name;
    private byte[] payload;

    @SuppressWarnings("NullAway.Init") // set by Hazelcast, through setHazelcastInstance, before call()
    private transient HazelcastInstance member;

    @SuppressWarnings("NullAway.Init") // for Hazelcast, which then calls readData
    RemoteCall() {}

    RemoteCall(String name, byte[] payload) {
        this.name = name;
        this.payload = payload;
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
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        name = Objects.requireNonNull(in.readString(), "name");
        payload = Objects.requireNonNull(in.readByteArray(), "payload");
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
