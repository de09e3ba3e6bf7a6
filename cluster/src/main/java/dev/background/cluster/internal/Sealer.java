package dev.background.cluster.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * Seals and opens the bytes of tasks and results with a {@link ClusterSecret}: AES-256-GCM (the
 * JDK's), a fresh nonce per message, and as associated data the header, the cluster's name and,
 * for a result, the nonce of the task it answers (so that an answer cannot be moved to another
 * task). Works on bytes only: no Hazelcast here, so that it is tested on its own.
 *
 * <p>A sealed message is {@code magic(1) version(1) kind(1) keyId(4) sealedMillis(8) nonce(12)}
 * followed by the ciphertext and its 16-byte tag. The nonce is this sealer's random 64-bit
 * sender id followed by a 32-bit counter; when the counter wraps, the id changes (it is XORed with
 * the number of wraps), so that no nonce repeats under one key. {@link #openTask} also checks the
 * {@link ReplayWindow}: a task is run at most once per member even if someone who captured it
 * sends it again.
 *
 * <p>Maintainers: thread-safe. The counter is an {@link AtomicLong}; the replay window has its
 * own monitor. A {@link Cipher} is not thread-safe and costly to create (and a fresh one expands
 * its AES key again), so each message takes one from a {@link Pool} shared by all sealers, uses
 * it alone, and gives it back; one that failed half-way is dropped rather than given back. A pool
 * rather than a thread-local, because the client opens results on short-lived virtual threads.
 */
public final class Sealer {
    /** What a sealed message is; part of the associated data, so one kind cannot pass for another. */
    enum Kind {
        TASK(1, "a task"),
        RESULT(2, "a result"),
        /** Calls run one after another on a member, in one message ({@link RemoteBatch}). */
        TASKS(3, "calls to run in a row"),
        /** Their answers, in one message. */
        RESULTS(4, "the results of calls run in a row");

        final byte code;
        final String description;

        Kind(int code, String description) {
            this.code = (byte) code;
            this.description = description;
        }
    }

    static final int HEADER = 27;
    static final int NONCE_AT = 15;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** The bytes a sealed message has beyond its plain bytes: the header and the tag. */
    static final int OVERHEAD = HEADER + TAG_BITS / 8;

    private static final byte MAGIC = (byte) 0xB5;
    private static final byte VERSION = 1;
    /** Messages sealed further than this from the receiver's clock are refused. */
    static final long WINDOW_MILLIS = 10 * 60_000L;

    /** Idle ciphers: about as many as threads seal or open at once on a machine of this size. */
    private static final Pool<Cipher> CIPHERS =
            new Pool<>(Math.min(64, 4 * Runtime.getRuntime().availableProcessors()), () -> {
                try {
                    return Cipher.getInstance("AES/GCM/NoPadding");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("this JDK lacks AES/GCM, which every JDK has", e);
                }
            });

    private final byte[] cluster;
    private final ClusterSecret secret;
    private final LongSupplier clock;
    private final long sender = new SecureRandom().nextLong();
    private final AtomicLong counter = new AtomicLong();
    private final ReplayWindow replays;

    /** One message, opened: its bytes, and what its answer is sealed with. */
    static final class Opened {
        private final Kind kind;
        private final byte[] plain;
        private final int keyId;
        private final byte[] nonce;

        Opened(Kind kind, byte[] plain, int keyId, byte[] nonce) {
            this.kind = kind;
            this.plain = plain;
            this.keyId = keyId;
            this.nonce = nonce;
        }

        byte[] plain() {
            return plain;
        }

        int keyId() {
            return keyId;
        }

        byte[] nonce() {
            return nonce;
        }
    }

    /** A sealer for the cluster named {@code clusterName}, on the system clock. */
    public Sealer(String clusterName, ClusterSecret secret) {
        this(clusterName, secret, System::currentTimeMillis);
    }

    Sealer(String clusterName, ClusterSecret secret, LongSupplier clock) {
        this.cluster = clusterName.getBytes(StandardCharsets.UTF_8);
        this.secret = Objects.requireNonNull(secret, "secret");
        this.clock = clock;
        this.replays = new ReplayWindow(WINDOW_MILLIS, clock);
    }

    /** Where the secret came from, for messages. */
    String source() {
        return secret.toString();
    }

    /** Seals a task with the current key. */
    byte[] sealTask(byte[] plain) {
        return sealTaskInPlace(withRoom(plain));
    }

    /**
     * Seals, with the current key, a task whose plain bytes the caller wrote into {@code message}
     * from {@link #HEADER} on, leaving room for the tag at the end ({@link #OVERHEAD} bytes in
     * all beyond the plain ones): the header is written and the plain bytes are encrypted where
     * they are, so that a task is not copied on its way out.
     *
     * @return {@code message}, sealed
     */
    byte[] sealTaskInPlace(byte[] message) {
        return seal(Kind.TASK, message, secret.current(), null);
    }

    /** As {@link #sealTaskInPlace}, for calls to be run in a row ({@link RemoteBatch}). */
    byte[] sealTasksInPlace(byte[] message) {
        return seal(Kind.TASKS, message, secret.current(), null);
    }

    /**
     * Seals the answer to the task {@code task} (as opened) with the key the task came with; the
     * answers to calls in a row ({@link #openTasks}) as one message of their kind.
     */
    byte[] sealResult(byte[] plain, Opened task) {
        return seal(
                task.kind == Kind.TASKS ? Kind.RESULTS : Kind.RESULT,
                withRoom(plain),
                Objects.requireNonNull(secret.key(task.keyId()), "the task's key"),
                task.nonce());
    }

    /**
     * Opens a task and records it in the replay window.
     *
     * @throws SealException if it is not sealed, not by this cluster's secret (current or
     *     previous), altered, not a task, or a replay
     */
    Opened openTask(byte[] sealed) throws SealException {
        return openTask(Kind.TASK, sealed);
    }

    /** As {@link #openTask}, for calls to be run in a row ({@link RemoteBatch}). */
    Opened openTasks(byte[] sealed) throws SealException {
        return openTask(Kind.TASKS, sealed);
    }

    private Opened openTask(Kind kind, byte[] sealed) throws SealException {
        Opened o = open(kind, sealed, null);
        ByteBuffer b = ByteBuffer.wrap(sealed);
        replays.accept(b.getLong(NONCE_AT), b.getInt(NONCE_AT + 8) & 0xffffffffL, b.getLong(7));
        return o;
    }

    /**
     * Opens the answer to the task whose sealed message had the nonce {@code taskNonce} (a sender
     * keeps only that of a task it sent, not the whole message, until the answer comes).
     *
     * @throws SealException if it is not sealed, not by this cluster's secret, altered, not a
     *     result, or the answer to another task
     */
    byte[] openResult(byte[] sealed, byte[] taskNonce) throws SealException {
        return open(Kind.RESULT, sealed, taskNonce).plain();
    }

    /** As {@link #openResult}, for the answers to calls run in a row ({@link RemoteBatch}). */
    byte[] openResults(byte[] sealed, byte[] tasksNonce) throws SealException {
        return open(Kind.RESULTS, sealed, tasksNonce).plain();
    }

    /** The nonce of a sealed message. */
    static byte[] nonce(byte[] sealed) {
        return Arrays.copyOfRange(sealed, NONCE_AT, NONCE_AT + NONCE);
    }

    /** {@code plain} at {@link #HEADER} in a message with room for the header and the tag. */
    private static byte[] withRoom(byte[] plain) {
        byte[] message = new byte[OVERHEAD + plain.length];
        System.arraycopy(plain, 0, message, HEADER, plain.length);
        return message;
    }

    /** Seals {@code message}'s plain bytes (from {@link #HEADER}, with room for the tag) in place. */
    private byte[] seal(Kind kind, byte[] message, ClusterSecret.Key key, byte @Nullable [] bound) {
        long n = counter.getAndIncrement();
        ByteBuffer.wrap(message)
                .put(MAGIC)
                .put(VERSION)
                .put(kind.code)
                .putInt(key.id())
                .putLong(clock.getAsLong())
                .putLong(sender ^ (n >>> 32))
                .putInt((int) n);
        Cipher c = CIPHERS.take();
        try {
            c.init(Cipher.ENCRYPT_MODE, key.aes(), new GCMParameterSpec(TAG_BITS, message, NONCE_AT, NONCE));
            associate(c, message, bound);
            c.doFinal(message, HEADER, message.length - OVERHEAD, message, HEADER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
        CIPHERS.give(c); // not on failure: a cipher that failed half-way is dropped
        return message;
    }

    private Opened open(Kind kind, byte[] sealed, byte @Nullable [] bound) throws SealException {
        if (sealed.length < HEADER + TAG_BITS / 8 || sealed[0] != MAGIC) {
            throw new SealException("it is not sealed");
        }
        if (sealed[1] != VERSION) {
            throw new SealException("it is sealed in format version " + sealed[1] + ", this side reads " + VERSION);
        }
        if (sealed[2] != kind.code) {
            throw new SealException("it is not " + kind.description);
        }
        int keyId = ByteBuffer.wrap(sealed).getInt(3);
        ClusterSecret.Key key = secret.key(keyId);
        if (key == null) {
            throw new SealException("it is sealed with another secret than this side's (" + secret + ")");
        }
        Cipher c = CIPHERS.take();
        byte[] plain;
        try {
            c.init(Cipher.DECRYPT_MODE, key.aes(), new GCMParameterSpec(TAG_BITS, sealed, NONCE_AT, NONCE));
            associate(c, sealed, bound);
            plain = c.doFinal(sealed, HEADER, sealed.length - HEADER);
            CIPHERS.give(c); // not on failure: a cipher that failed half-way is dropped
        } catch (AEADBadTagException e) {
            throw new SealException("it was forged or altered, or sealed for another cluster or task", e);
        } catch (GeneralSecurityException e) {
            throw new SealException("it could not be opened: " + e, e);
        }
        return new Opened(kind, plain, keyId, nonce(sealed));
    }

    private void associate(Cipher c, byte[] sealed, byte @Nullable [] bound) {
        c.updateAAD(sealed, 0, HEADER);
        c.updateAAD(cluster);
        if (bound != null) {
            c.updateAAD(bound);
        }
    }
}
