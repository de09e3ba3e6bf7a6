package dev.background.cluster.internal;

import com.hazelcast.client.impl.clientside.HazelcastClientInstanceImpl;
import com.hazelcast.client.impl.clientside.HazelcastClientProxy;
import com.hazelcast.client.impl.protocol.ClientMessage;
import com.hazelcast.client.impl.protocol.codec.ExecutorServiceCancelOnMemberCodec;
import com.hazelcast.client.impl.protocol.codec.ExecutorServiceSubmitToMemberCodec;
import com.hazelcast.client.impl.spi.impl.ClientInvocation;
import com.hazelcast.client.impl.spi.impl.ClientInvocationFuture;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * One {@link RemoteCall} on its way to one member's {@code background} executor, sent with the
 * same client protocol messages as {@code IExecutorService.submitToMember} and its cancel; and
 * the two other things that need Hazelcast's internals: a {@link Client} that sends such calls,
 * and the {@link Codec} that turns the user's objects into bytes and back with an instance's own
 * serialisation.
 *
 * <p>Why not the proxy: every future that {@code IExecutorService} returns registers a
 * completion on Hazelcast's default asynchronous executor, which, when the JDK's common pool has
 * a parallelism of 1 (any machine with two cores or fewer), starts a new platform thread per
 * call. Measured on such a machine, that was the largest part of the client's cost per task.
 * Here the answer goes straight to the engine's own executor.
 *
 * <p>Uses Hazelcast's internals (packages {@code internal} and {@code impl}; the version is pinned
 * by the build). Everything in this module that depends on them is in this file.
 */
final class MemberInvocation {
    private final Client client;
    private final UUID id;
    private final UUID member;
    private final ClientInvocationFuture future;

    /**
     * One Hazelcast instance's serialisation (its class loader, its Java deserialisation filter),
     * as bytes: the user's calls, results and failures travel as bytes inside {@link RemoteCall}
     * and {@link Outcome}, so that each side turns them into objects itself.
     */
    static final class Codec {
        private final SerializationService ss;

        private Codec(SerializationService ss) {
            this.ss = ss;
        }

        /** The serialisation of a member or a client. */
        static Codec of(HazelcastInstance instance) {
            return new Codec(((SerializationServiceSupport) instance).getSerializationService());
        }

        /** Throws what serialisation throws (a {@code HazelcastSerializationException}). */
        byte @Nullable [] toBytes(@Nullable Object o) {
            Data d = ss.toData(o);
            return d == null ? null : d.toByteArray();
        }

        /** Throws what deserialisation throws: a missing class, a refusal by the filter. */
        Object toObject(byte[] bytes) {
            return ss.toObject(new HeapData(bytes));
        }
    }

    /** A Hazelcast client, able to send calls to a chosen member. */
    static final class Client {
        private final HazelcastClientInstanceImpl impl;
        private final Codec codec;

        /** The client behind a client proxy, as Hazelcast's own proxies reach it. */
        Client(HazelcastInstance client) {
            this.impl = ((HazelcastClientProxy) client).client;
            this.codec = Codec.of(client);
        }

        Codec codec() {
            return codec;
        }

        /**
         * Sends {@code call} ({@link RemoteCall} or {@link RemoteBatch}) to {@code member}. Never
         * blocks on the network.
         *
         * @throws RuntimeException what Hazelcast throws when it cannot send (the client is not active)
         */
        MemberInvocation send(Callable<Outcome> call, Member member) {
            // Only needs to be unique among this client's calls on the member (it names the call to
            // cancel); UUID.randomUUID() would take SecureRandom's lock on every send.
            ThreadLocalRandom random = ThreadLocalRandom.current();
            UUID id = new UUID(random.nextLong(), random.nextLong());
            ClientMessage request = ExecutorServiceSubmitToMemberCodec.encodeRequest(
                    Wire.EXECUTOR, id, codec.ss.toData(call), member.getUuid());
            ClientInvocationFuture f = new ClientInvocation(impl, request, Wire.EXECUTOR, member.getUuid()).invoke();
            return new MemberInvocation(this, member.getUuid(), f, id);
        }
    }

    private MemberInvocation(Client client, UUID member, ClientInvocationFuture future, UUID id) {
        this.client = client;
        this.member = member;
        this.future = future;
        this.id = id;
    }

    /**
     * Calls {@code action} on {@code executor} with the member's answer, or with what went wrong
     * (Hazelcast's exception: the member left, the client went offline, ...).
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the stage only hands the answer to action, which sees every failure
    void whenDone(BiConsumer<Outcome, Throwable> action, Executor executor) {
        future.whenCompleteAsync(
                (ClientMessage response, Throwable error) -> {
                    if (error != null) {
                        action.accept(null, error);
                        return;
                    }
                    Outcome outcome;
                    try {
                        outcome = client.codec.ss.toObject(ExecutorServiceSubmitToMemberCodec.decodeResponse(response));
                    } catch (RuntimeException e) {
                        action.accept(null, e);
                        return;
                    }
                    if (outcome == null) {
                        action.accept(null, new IllegalStateException("member " + member + " answered nothing"));
                        return;
                    }
                    action.accept(outcome, null);
                },
                executor);
    }

    boolean isDone() {
        return future.isDone();
    }

    /**
     * Asks the member to interrupt the call, and waits for its reply.
     *
     * @return true if the member found the call and cancelled it
     * @throws RuntimeException if the member is gone, the request fails, or this thread is
     *     interrupted (its interrupt status is then set)
     */
    boolean cancel() {
        return cancel(
                ExecutorServiceCancelOnMemberCodec.encodeRequest(id, member, true),
                Wire.EXECUTOR,
                ExecutorServiceCancelOnMemberCodec::decodeResponse);
    }

    /**
     * Asks the member to interrupt call {@code index} of the {@link RemoteBatch} this sent, and
     * waits for its reply; sent to its control executor, whose thread tasks never hold.
     *
     * @return true if the member took the interrupt (the call is interrupted, or will never
     *     begin, even if its batch has not begun there); false if it did not: the batch has
     *     ended there, there is no such call, or too many interrupts wait for batches not begun
     *     (ask again until the batch's answer is in)
     * @throws RuntimeException as {@link #cancel()}
     */
    boolean cancel(UUID batch, int index) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ClientMessage request = ExecutorServiceSubmitToMemberCodec.encodeRequest(
                Wire.CONTROL,
                new UUID(random.nextLong(), random.nextLong()),
                client.codec.ss.toData(new BatchCancel(batch, index)),
                member);
        return cancel(request, Wire.CONTROL, r -> {
            Object found = client.codec.ss.toObject(ExecutorServiceSubmitToMemberCodec.decodeResponse(r));
            return Boolean.TRUE.equals(found);
        });
    }

    private boolean cancel(ClientMessage request, String executor, Predicate<ClientMessage> found) {
        try {
            return found.test(new ClientInvocation(client.impl, request, executor, member)
                    .invoke()
                    .get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not cancel on member " + member, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while cancelling on member " + member, e);
        }
    }
}
