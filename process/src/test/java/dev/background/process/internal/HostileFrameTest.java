package dev.background.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.TaskTransferException;
import dev.background.process.ProcessKind;
import dev.background.process.WorkerDiedException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames that are malformed or hostile, written straight to a worker's standard input: the worker
 * exits with {@link WorkerMain#EXIT_BAD_FRAME} and says why, and runs none of the frame's content.
 */
class HostileFrameTest {
    @TempDir
    Path dir;

    private record Worker(Process process, DataOutputStream in) {}

    private static Worker start(String filterPattern) throws IOException {
        var config = new WorkerConfig(List.of(), Map.of(), false, 0, null, 0, Duration.ofSeconds(1), 0, filterPattern);
        Process p = new ProcessBuilder(WorkerCommand.of(config, "hostile-1", "-")).start();
        Frames.Frame ready = Frames.read(new DataInputStream(p.getInputStream()), Frames.READY);
        assertThat(ready).isNotNull();
        assertThat(ready.id()).isEqualTo(p.pid());
        return new Worker(p, new DataOutputStream(p.getOutputStream()));
    }

    /** Sends raw bytes, then expects the worker to reject them and exit; returns its stderr. */
    private static String rejects(Worker w, byte[] bytes) throws Exception {
        w.in().write(bytes);
        w.in().flush();
        assertThat(w.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = new String(w.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.process().exitValue()).as("exit code; stderr: %s", err).isEqualTo(WorkerMain.EXIT_BAD_FRAME);
        assertThat(err).contains("rejected a malformed or hostile frame", "exiting without running it");
        return err;
    }

    /** A task frame carrying no context: the call follows the name at once. */
    private static byte[] taskFrame(byte[] payload) throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(rest);
        r.writeInt(-1); // its carried context: none
        r.write(payload);
        return namedTaskFrame(rest.toByteArray());
    }

    /** A task frame: the task's name, then {@code rest} (its carried context, then the call). */
    private static byte[] namedTaskFrame(byte[] rest) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        ByteArrayOutputStream named = new ByteArrayOutputStream();
        DataOutputStream n = new DataOutputStream(named);
        n.writeUTF("hostile task");
        n.write(rest);
        byte[] payload = named.toByteArray();
        Frames.write(d, Frames.TASK, 1, payload, payload.length);
        d.flush();
        return b.toByteArray();
    }

    private static byte[] javaPayload(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1); // Codec.JAVA
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    /** A serialisation stream naming a class, as an attacker forges it (no instance needed). */
    private static byte[] forged(String className) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1); // Codec.JAVA
        DataOutputStream d = new DataOutputStream(b);
        d.writeShort(0xACED);
        d.writeShort(5);
        d.writeByte(0x73); // TC_OBJECT
        d.writeByte(0x72); // TC_CLASSDESC
        d.writeUTF(className);
        d.writeLong(-5971610431559700674L);
        d.writeByte(0x02); // SC_SERIALIZABLE
        d.writeShort(0);
        d.writeByte(0x78); // TC_ENDBLOCKDATA
        d.writeByte(0x70); // TC_NULL
        d.flush();
        return b.toByteArray();
    }

    @Test
    void textOnTheChannelEndsTheWorker() throws Exception {
        String err = rejects(start(null), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(err).contains("expected a frame marker", "GET / HTTP/1.1");
    }

    @Test
    void unknownFrameTypeEndsTheWorker() throws Exception {
        assertThat(rejects(start(null), new byte[] {Frames.MARK, 99, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}))
                .contains("unknown frame type 99");
    }

    @Test
    void lyingLengthEndsTheWorkerWithoutAllocatingIt() throws Exception {
        Worker w = start(null);
        byte[] header = {Frames.MARK, Frames.TASK, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, (byte) 0xff, (byte) 0x00, 0};
        w.in().write(header);
        w.in().write(new byte[100]);
        w.in().close(); // the rest never comes
        assertThat(w.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = new String(w.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.process().exitValue()).isEqualTo(WorkerMain.EXIT_BAD_FRAME);
        assertThat(err).contains("truncated frame: 100 of");
    }

    @Test
    void jdkInternalGadgetClassIsRejectedBeforeItIsInstantiated() throws Exception {
        String err =
                rejects(start(null), taskFrame(forged("com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl")));
        assertThat(err).contains("TemplatesImpl", "internal to the JDK");
    }

    @Test
    void classPathGadgetRejectedByTheUserPatternNeverRunsItsReadObject() throws Exception {
        String err = rejects(start("!" + Gadget.class.getName()), taskFrame(javaPayload(new Gadget())));
        assertThat(err).contains(Gadget.class.getName(), "by the filter pattern");
    }

    @Test
    void deepObjectGraphIsRejected() throws Exception {
        byte[][] frame = new byte[1][];
        Thread deepStack = new Thread(
                null,
                () -> { // serialising 1,200 levels needs a deep stack
                    Object[] deep = new Object[1];
                    Object[] cur = deep;
                    for (int i = 0; i < 1_200; i++) {
                        Object[] next = new Object[1];
                        cur[0] = next;
                        cur = next;
                    }
                    try {
                        frame[0] = taskFrame(javaPayload(deep));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                "deep",
                256L << 20);
        deepStack.start();
        deepStack.join();
        assertThat(rejects(start(null), frame[0])).contains("deeper than 1000");
    }

    @Test
    void aContextClaimingMoreEntriesThanTheFrameHoldsEndsTheWorker() throws Exception {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(rest);
        r.writeInt(Integer.MAX_VALUE); // entries of its carried context
        r.write(javaPayload("never read"));
        assertThat(rejects(start(null), namedTaskFrame(rest.toByteArray())))
                .contains("bad context entry count " + Integer.MAX_VALUE);
    }

    @Test
    void aCallOfAFunctionNeverSentEndsTheWorker() throws Exception {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(rest);
        r.writeInt(-1); // no context
        r.writeByte(8); // Codec.BOUND
        r.writeLong(42); // a function id the worker was never sent
        r.writeByte(0); // no arguments
        assertThat(rejects(start(null), namedTaskFrame(rest.toByteArray())))
                .contains("a call of function 42, which was not sent before");
    }

    @Test
    void aTaskWhoseFrameIsNotACallableEndsTheWorker() throws Exception {
        assertThat(rejects(start(null), taskFrame(javaPayload("just a string"))))
                .contains("could not be deserialised");
    }

    @Test
    void hostileBytesWrittenIntoAPoolWorkerFailItsTaskAndTheWorkerIsReplaced() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        try (var pool = BackgroundPool.builder()
                .name("hostile")
                .n(1)
                .kind(ProcessKind.processes())
                .build()) {
            String pidFile = dir.resolve("pid").toString();
            Task<Object> t = pool.task(() -> {
                        Files.writeString(
                                Path.of(pidFile + ".tmp"),
                                Long.toString(ProcessHandle.current().pid()));
                        Files.move(Path.of(pidFile + ".tmp"), Path.of(pidFile));
                        Thread.sleep(60_000);
                        return null;
                    })
                    .call();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(Path.of(pidFile)));
            long pid = Long.parseLong(Files.readString(Path.of(pidFile)));
            try (OutputStream stdin = new FileOutputStream("/proc/" + pid + "/fd/0")) { // another writer on the pipe
                stdin.write(taskFrame(forged("com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl")));
            }
            assertThatThrownBy(t::result).isInstanceOfSatisfying(WorkerDiedException.class, e -> {
                assertThat(e.exitCode()).isEqualTo(WorkerMain.EXIT_BAD_FRAME);
                assertThat(e.getMessage()).contains("malformed or hostile frame", "TemplatesImpl");
            });
            assertThat(pool.task(() -> "fine").call().result()).isEqualTo("fine");
        }
    }

    /** A serialisable handler, so that the proxy itself serialises in the worker. */
    record Handler(String answer) implements InvocationHandler, Serializable {
        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
            return answer;
        }
    }

    @Test
    void aResultRefusedByTheApplicationsFilterFailsTheTaskAndStopsTheWorker() {
        try (var pool = BackgroundPool.builder()
                .name("refused")
                .n(1)
                .kind(ProcessKind.processes())
                .build()) {
            Task<Object> t = pool.task(() -> Proxy.newProxyInstance(
                            Handler.class.getClassLoader(),
                            new Class<?>[] {Runnable.class, Serializable.class},
                            new Handler("x")))
                    .call();
            assertThatThrownBy(t::result)
                    .isInstanceOf(TaskTransferException.class)
                    .hasMessageContaining("refused by the deserialisation filter")
                    .hasMessageContaining("dynamic proxy class");
            assertThat(pool.task(() -> "next").call().result()).isEqualTo("next");
        }
    }
}
