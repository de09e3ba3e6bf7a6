package dev.background.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Interrupts one call of a {@link RemoteBatch} on the member that runs it, or will; sent to the
 * member's control executor ({@link Wire#CONTROL}), whose thread is never busy with tasks.
 * Answers whether the member took it ({@link Rows#interrupt}); if not, the client asks again
 * until the batch's answer is in.
 */
public final class BatchCancel implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {
    private long idHigh;
    private long idLow;
    private int index;

    @SuppressWarnings("NullAway.Init") // set by Hazelcast, through setHazelcastInstance, before call()
    private transient HazelcastInstance member;

    BatchCancel() {}

    BatchCancel(UUID batch, int index) {
        this.idHigh = batch.getMostSignificantBits();
        this.idLow = batch.getLeastSignificantBits();
        this.index = index;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Boolean call() {
        Rows rows = (Rows) member.getUserContext().get(Wire.ROWS);
        return rows != null && rows.interrupt(new UUID(idHigh, idLow), index);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(idHigh);
        out.writeLong(idLow);
        out.writeInt(index);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        idHigh = in.readLong();
        idLow = in.readLong();
        index = in.readInt();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.BATCH_CANCEL;
    }
}
