package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.background.TaskTransferException;
import dev.background.cluster.ClusterWorker;
import dev.background.function.CheckedCallable;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Calls run in a row ({@link RemoteBatch}) on a sealed worker in this JVM, sent by a Hazelcast
 * client in this JVM too, so that the calls can wait on this test's latches: their answers, each
 * call's own interrupt through the member's control executor, and what is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteBatchTest {
    private static final String SECRET = "the secret of the calls-in-a-row test";
    private static final long WAIT_SECONDS = 30;

    // The calls below run in the worker of this JVM and signal through these.
    static volatile CountDownLatch began = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static final AtomicBoolean secondRan = new AtomicBoolean();

    private final String cluster = "batch-test-" + UUID.randomUUID();
    private ClusterWorker worker;
    private HazelcastInstance client;
    private MemberInvocation.Client sender;
    private Member member;
    private Sealer pool;

    @BeforeAll
    void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        worker = ClusterWorker.builder()
                .clusterName(cluster)
                .members("127.0.0.1:" + port)
                .port(port)
                .n(2)
                .hazelcastLogging("none")
                .start();
        // Sealed by hand rather than with secretFile: a sealed worker closes Java deserialisation
        // in its whole JVM (SerialGate), which here is the test JVM.
        HazelcastInstance memberSide = Hazelcast.getAllHazelcastInstances().stream()
                .filter(h -> h.getConfig().getClusterName().equals(cluster))
                .findFirst()
                .orElseThrow();
        memberSide.getUserContext().put(Wire.SEALER, new Sealer(cluster, ClusterSecret.of(SECRET, null, "worker")));
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(cluster);
        cc.getNetworkConfig().addAddress("127.0.0.1:" + port);
        cc.setProperty("hazelcast.logging.type", "none");
        Wire.register(cc.getSerializationConfig());
        client = HazelcastClient.newHazelcastClient(cc);
        sender = new MemberInvocation.Client(client);
        member = client.getCluster().getMembers().iterator().next();
        pool = new Sealer(cluster, ClusterSecret.of(SECRET, null, "test"));
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @AfterEach
    void releaseWhatIsStillHeld() {
        release.countDown(); // after a failure, so that the member's threads serve the next test
    }

    @BeforeEach
    void reset() {
        began = new CountDownLatch(1);
        release = new CountDownLatch(1);
        secondRan.set(false);
    }

    /** A batch sent, with what it takes to read its answer. */
    @SuppressWarnings("ArrayRecordComponent") // never compared
    private record Sent(UUID id, MemberInvocation invocation, byte[] nonce, CompletableFuture<Outcome> answer) {}

    private List<RemoteBatch.Entry> entries(CheckedCallable<?>... calls) {
        List<RemoteBatch.Entry> entries = new ArrayList<>();
        for (int i = 0; i < calls.length; i++) {
            entries.add(new RemoteBatch.Entry("call-" + i, sender.codec().toBytes(calls[i]), null));
        }
        return entries;
    }

    private Sent send(CheckedCallable<?>... calls) {
        UUID id = UUID.randomUUID();
        RemoteBatch batch = RemoteBatch.of(pool, id, entries(calls));
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        MemberInvocation f = sender.send(batch, member);
        f.whenDone(
                (o, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    } else {
                        answer.complete(o);
                    }
                },
                Runnable::run);
        return new Sent(id, f, batch.sealedNonce(), answer);
    }

    private List<Outcome> outcomes(Sent sent, int count) throws Exception {
        return sent.answer().get(WAIT_SECONDS, TimeUnit.SECONDS).outcomesOfCalls(pool, sent.nonce(), count);
    }

    private Object value(Outcome o) {
        assertThat(o.failed()).as("failed").isFalse();
        return o.value(sender.codec());
    }

    @Test
    void callsRunInOrderOnOneThreadEachWithItsOwnOutcome() throws Exception {
        Sent sent = send(
                () -> "first",
                () -> {
                    throw new IllegalStateException("second failed");
                },
                () -> Thread.currentThread().getName());

        List<Outcome> outcomes = outcomes(sent, 3);

        assertThat(value(outcomes.get(0))).isEqualTo("first");
        assertThat(outcomes.get(1).failed()).isTrue();
        assertThat(outcomes.get(1).error(sender.codec()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("second failed");
        assertThat((String) value(outcomes.get(2))).endsWith("/call-2"); // named for thread dumps
    }

    @Test
    void anInterruptReachesTheRunningCallAndNotTheNext() throws Exception {
        Sent sent = send(
                () -> {
                    began.countDown();
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                        return "slept";
                    } catch (InterruptedException e) {
                        return "interrupted";
                    }
                },
                () -> Thread.currentThread().isInterrupted());
        assertThat(began.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(sent.invocation().cancel(sent.id(), 0))
                .as("the member runs the batch")
                .isTrue();

        List<Outcome> outcomes = outcomes(sent, 2);
        assertThat(value(outcomes.get(0))).isEqualTo("interrupted");
        assertThat(value(outcomes.get(1))).as("the next call saw an interrupt").isEqualTo(false);
    }

    @Test
    void aCallInterruptedBeforeItBeginsNeverBegins() throws Exception {
        Sent sent = send(
                () -> {
                    began.countDown();
                    release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    return "released";
                },
                () -> {
                    secondRan.set(true);
                    return "ran";
                },
                () -> "third");
        assertThat(began.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(sent.invocation().cancel(sent.id(), 1)).isTrue();
        release.countDown();

        List<Outcome> outcomes = outcomes(sent, 3);
        assertThat(value(outcomes.get(0))).isEqualTo("released");
        assertThat(outcomes.get(1).error(sender.codec())).isInstanceOf(CancellationException.class);
        assertThat(secondRan).isFalse();
        assertThat(value(outcomes.get(2))).isEqualTo("third");
    }

    @Test
    void aCallOfABatchStillQueuedOnTheMemberNeverBeginsOnceInterrupted() throws Exception {
        began = new CountDownLatch(2);
        List<Sent> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // both of the member's threads
            holders.add(send(() -> {
                began.countDown();
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return "held";
            }));
        }
        assertThat(began.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Sent queued = send(
                () -> {
                    secondRan.set(true);
                    return "ran";
                },
                () -> "second");

        assertThat(queued.invocation().cancel(queued.id(), 0))
                .as("taken, though the batch waits in the queue")
                .isTrue();
        release.countDown();

        List<Outcome> outcomes = outcomes(queued, 2);
        assertThat(outcomes.get(0).error(sender.codec())).isInstanceOf(CancellationException.class);
        assertThat(secondRan).as("the interrupted call began").isFalse();
        assertThat(value(outcomes.get(1))).isEqualTo("second");
        for (Sent h : holders) {
            assertThat(value(outcomes(h, 1).get(0))).isEqualTo("held");
        }
    }

    @Test
    void anInterruptForABatchThatEndedOrForNoCallIsNotTaken() throws Exception {
        Sent sent = send(() -> "done", () -> "done too");
        outcomes(sent, 2);

        assertThat(sent.invocation().cancel(sent.id(), 0))
                .as("ended: nothing to interrupt")
                .isFalse();
        assertThat(sent.invocation().cancel(UUID.randomUUID(), -1))
                .as("no such call")
                .isFalse();
    }

    @Test
    void theAnswerOpensOnlyForTheBatchItAnswersAndWithItsCount() throws Exception {
        Sent sent = send(() -> "a", () -> "b");
        Outcome answer = sent.answer().get(WAIT_SECONDS, TimeUnit.SECONDS);
        byte[] otherNonce = sent.nonce().clone();
        otherNonce[0] ^= 1;

        assertThatThrownBy(() -> answer.outcomesOfCalls(pool, otherNonce, 2)).isInstanceOf(SealException.class);
        assertThatThrownBy(() -> answer.outcomesOfCalls(pool, sent.nonce(), 3))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("2 outcomes for 3 calls");
        assertThat(answer.outcomesOfCalls(pool, sent.nonce(), 2)).hasSize(2);
    }

    @Test
    void nothingOfTheCallsIsReadableOnTheWire() {
        RemoteBatch batch = RemoteBatch.of(
                pool,
                UUID.randomUUID(),
                List.of(
                        new RemoteBatch.Entry("a-secret-name", new byte[] {1, 2, 3}, null),
                        new RemoteBatch.Entry("another-secret-name", new byte[] {4}, null)));

        byte[] wire = sender.codec().toBytes(batch);

        assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain("secret-name");
    }

    @Test
    void unsealedCallsAreRefusedEachWithTheReason() throws Exception {
        RemoteBatch batch = RemoteBatch.of(null, UUID.randomUUID(), entries(() -> "a", () -> "b"));
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        sender.send(batch, member).whenDone((o, e) -> answer.complete(o), Runnable::run);

        Outcome refusal = answer.get(WAIT_SECONDS, TimeUnit.SECONDS);

        List<Outcome> each = refusal.outcomesOfCalls(null, null, 2);
        assertThat(each)
                .hasSize(2)
                .allSatisfy(o -> assertThat(o.error(sender.codec()))
                        .isInstanceOf(TaskTransferException.class)
                        .hasMessageContaining("it is not sealed"));
        assertThatThrownBy(() -> refusal.outcomesOfCalls(pool, new byte[12], 2))
                .as("a pool with the secret takes the refusal for a faulty member's answer")
                .isInstanceOf(SealException.class)
                .hasMessageContaining("refused the calls");
    }

    @Test
    void aBatchSentAgainIsRefusedAsAReplay() throws Exception {
        RemoteBatch batch = RemoteBatch.of(pool, UUID.randomUUID(), entries(() -> "a", () -> "b"));
        byte[] nonce = batch.sealedNonce();
        List<Outcome> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Outcome> answer = new CompletableFuture<>();
            sender.send(batch, member).whenDone((o, e) -> answer.complete(o), Runnable::run);
            answers.add(answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }

        assertThat(answers.get(0).outcomesOfCalls(pool, nonce, 2)).hasSize(2);
        assertThatThrownBy(() -> answers.get(1).outcomesOfCalls(pool, nonce, 2))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("replay");
    }
}
