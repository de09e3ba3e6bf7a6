package dev.background.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.jspecify.annotations.Nullable;

/**
 * What travels between the submitting JVM and the members: {@link RemoteCall} or
 * {@link RemoteBatch} out, {@link Outcome} back, {@link BatchCancel} to interrupt, all as Hazelcast {@code IdentifiedDataSerializable} (no reflection, no
 * class names on the wire). The user's call, its result and its failure travel inside them as
 * bytes that each side turns into objects itself ({@link MemberInvocation.Codec}), so that a
 * failure to do so becomes a clear error in our hands rather than a log line inside Hazelcast.
 */
public final class Wire {
    /** Our factory id; any id unused by the application works, this one spells "bg". */
    public static final int FACTORY_ID = 0x6267;

    static final int REMOTE_CALL = 1;
    static final int OUTCOME = 2;
    static final int REMOTE_BATCH = 3;
    static final int BATCH_CANCEL = 4;
    /** An {@link Outcome} that answers a {@link RemoteBatch}. */
    static final int OUTCOMES = 5;
    /** The name of the Hazelcast executor that runs background tasks on the members. */
    public static final String EXECUTOR = "background";
    /**
     * The name of the members' Hazelcast executor for control messages ({@link BatchCancel}),
     * apart from {@link #EXECUTOR}, all of whose threads may be busy with tasks.
     */
    public static final String CONTROL = "background-control";
    /** The key of a worker's {@link Sealer} in its member's user context; absent without a secret. */
    public static final String SEALER = "background.sealer";
    /** The key of a worker's {@link Rows} in its member's user context. */
    public static final String ROWS = "background.rows";
    /** The key of a worker's {@link Drain} in its member's user context. */
    public static final String DRAIN = "background.drain";
    /** Member attribute that marks a member as a background worker; its value is the worker's n. */
    public static final String WORKER_ATTRIBUTE = "background.worker.n";
    /**
     * Member attribute of a worker that runs {@link RemoteBatch}es; a pool sends them to no other
     * (a worker of an earlier version, during a rolling deploy), which gets its calls one by one.
     */
    public static final String ROWS_ATTRIBUTE = "background.worker.rows";

    private Wire() {}

    /** Registers our types with a member's or a client's serialisation. */
    public static void register(SerializationConfig config) {
        config.addDataSerializableFactory(FACTORY_ID, (DataSerializableFactory) Wire::create);
    }

    private static @Nullable IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case REMOTE_CALL -> new RemoteCall();
            case OUTCOME -> new Outcome();
            case REMOTE_BATCH -> new RemoteBatch();
            case BATCH_CANCEL -> new BatchCancel();
            case OUTCOMES -> Outcome.toReadOfCalls();
            default -> null;
        };
    }

    /** A member's address as {@code host:port}. */
    static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }
}
