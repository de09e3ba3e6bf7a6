package dev.background.cluster.internal;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.impl.SerializationServiceSupport;

/**
 * What travels between the submitting JVM and the members: {@link RemoteCall} out,
 * {@link Outcome} back, both as Hazelcast {@code IdentifiedDataSerializable} (no reflection, no
 * class names on the wire). The user's call, its result and its failure travel inside them as
 * bytes that each side turns into objects itself, so that a failure to do so becomes a clear
 * error in our hands rather than a log line inside Hazelcast.
 */
public final class Wire {
    /** Our factory id; any id unused by the application works, this one spells "bg". */
    public static final int FACTORY_ID = 0x6267;
    static final int REMOTE_CALL = 1;
    static final int OUTCOME = 2;
    /** The name of the Hazelcast executor that runs background tasks on the members. */
    public static final String EXECUTOR = "background";
    /** Member attribute that marks a member as a background worker; its value is the worker's n. */
    public static final String WORKER_ATTRIBUTE = "background.worker.n";

    private Wire() {
    }

    /** Registers our types with a member's or a client's serialisation. */
    public static void register(SerializationConfig config) {
        config.addDataSerializableFactory(FACTORY_ID, (DataSerializableFactory) Wire::create);
    }

    private static IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case REMOTE_CALL -> new RemoteCall();
            case OUTCOME -> new Outcome();
            default -> null;
        };
    }

    /** A member's address as {@code host:port}. */
    static String address(com.hazelcast.cluster.Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    static SerializationService serialization(HazelcastInstance hz) {
        return ((SerializationServiceSupport) hz).getSerializationService();
    }

    static byte[] toBytes(SerializationService ss, Object o) {
        Data d = ss.toData(o);
        return d == null ? null : d.toByteArray();
    }

    static Object toObject(SerializationService ss, byte[] bytes) {
        return bytes == null ? null : ss.toObject(new HeapData(bytes));
    }
}
