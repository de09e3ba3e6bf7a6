package dev.background.bench.cluster;

import dev.background.cluster.internal.ClusterSecret;
import dev.background.cluster.internal.Sealer;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cluster secret's sealing on its own, without Hazelcast or processes: nanoseconds to seal a
 * task on the client and open it on a member ({@code sealAndOpenTask}), and the four operations
 * one task costs across both sides ({@code taskAndResult}: seal and open the task, then seal and
 * open its result, each with the replay and binding checks), for messages of {@code size} bytes
 * (a no-op task is a few hundred). AES-256-GCM from the JDK, with AES-NI where the CPU has it.
 *
 * <p>{@link Sealer}'s seal and open methods are package-private (the engine's, not an API), so
 * this reaches them through method handles on the class path; the handles are constants, which
 * the JIT inlines like direct calls. Run: {@code bin/bench 'cluster\.SealerCost'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SealerCost {
    private static final MethodHandle SEAL_TASK;
    private static final MethodHandle OPEN_TASK;
    private static final MethodHandle SEAL_RESULT;
    private static final MethodHandle OPEN_RESULT;
    private static final MethodHandle NONCE;

    static {
        try {
            MethodHandles.Lookup in = MethodHandles.privateLookupIn(Sealer.class, MethodHandles.lookup());
            Class<?> opened = Class.forName(Sealer.class.getName() + "$Opened");
            SEAL_TASK = in.findVirtual(Sealer.class, "sealTask", MethodType.methodType(byte[].class, byte[].class));
            OPEN_TASK = in.findVirtual(Sealer.class, "openTask", MethodType.methodType(opened, byte[].class))
                    .asType(MethodType.methodType(Object.class, Sealer.class, byte[].class));
            SEAL_RESULT = in.findVirtual(
                            Sealer.class, "sealResult", MethodType.methodType(byte[].class, byte[].class, opened))
                    .asType(MethodType.methodType(byte[].class, Sealer.class, byte[].class, Object.class));
            OPEN_RESULT = in.findVirtual(
                    Sealer.class, "openResult", MethodType.methodType(byte[].class, byte[].class, byte[].class));
            NONCE = in.findStatic(Sealer.class, "nonce", MethodType.methodType(byte[].class, byte[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Message size in bytes. */
    @Param({"256", "4096"})
    public int size;

    private Sealer client;
    private Sealer member;
    private byte[] message;

    /**
     * A client's and a member's sealer on the same secret, and a message of random bytes.
     *
     * @throws IOException if the secret's temporary file cannot be written
     */
    @Setup
    public void setUp() throws IOException {
        Path file = Files.createTempFile("sealer-cost", "");
        try {
            Files.writeString(file, "a secret for the sealer benchmark\n");
            ClusterSecret secret = ClusterSecret.fromFile(file);
            client = new Sealer("bench", secret);
            member = new Sealer("bench", secret);
        } finally {
            Files.delete(file);
        }
        message = new byte[size];
        ThreadLocalRandom.current().nextBytes(message);
    }

    /**
     * What a {@link Sealer} pays when its pool of ciphers has none idle: a new cipher (before the
     * pool, a thread-local one, which a short-lived virtual thread paid per message).
     *
     * @return a new AES-GCM cipher
     * @throws GeneralSecurityException never: every JDK has AES-GCM
     */
    @Benchmark
    public Cipher newCipher() throws GeneralSecurityException {
        return Cipher.getInstance("AES/GCM/NoPadding");
    }

    /**
     * The CPU time of this thread per {@link #taskAndResult()}, over {@code count} of them after
     * as many to warm up: a figure that other processes' load hardly moves, unlike the wall time
     * JMH measures. For {@link SealedBench}'s summary.
     *
     * @param size message size in bytes
     * @param count how many tasks
     * @return nanoseconds of CPU per task
     * @throws Throwable if something does not open, which would be a bug
     */
    static double cpuNanosPerTask(int size, int count) throws Throwable {
        SealerCost c = new SealerCost();
        c.size = size;
        c.setUp();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < count; i++) {
            sink += c.taskAndResult().length;
        }
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < count; i++) {
            sink += c.taskAndResult().length;
        }
        long cpu = threads.getCurrentThreadCpuTime() - t0;
        if (sink != 2L * count * size) {
            throw new AssertionError("a result of the wrong size");
        }
        return cpu / (double) count;
    }

    /**
     * One message: sealed by the client, opened (and checked against replays) by a member.
     *
     * @return the opened message
     * @throws Throwable if it does not open, which would be a bug
     */
    @Benchmark
    public Object sealAndOpenTask() throws Throwable {
        byte[] sealed = (byte[]) SEAL_TASK.invokeExact(client, message);
        return (Object) OPEN_TASK.invokeExact(member, sealed);
    }

    /**
     * What one task costs: its task sealed and opened, then a result of the same size sealed by
     * the member and opened by the client.
     *
     * @return the opened result
     * @throws Throwable if something does not open, which would be a bug
     */
    @Benchmark
    public byte[] taskAndResult() throws Throwable {
        byte[] task = (byte[]) SEAL_TASK.invokeExact(client, message);
        Object opened = (Object) OPEN_TASK.invokeExact(member, task);
        byte[] result = (byte[]) SEAL_RESULT.invokeExact(member, message, opened);
        byte[] taskNonce = (byte[]) NONCE.invokeExact(task); // all a client keeps of a task it sent
        return (byte[]) OPEN_RESULT.invokeExact(client, result, taskNonce);
    }
}
