package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing on its own, without Hazelcast: what opens, and everything that must not. */
class SealerTest {
    static final String S1 = "first secret, long enough";
    static final String S2 = "second secret, long enough";
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    Sealer sealer(String cluster, String current, String previous) {
        return new Sealer(cluster, ClusterSecret.of(current, previous, "test"), now::get);
    }

    Sealer sealer(String current) {
        return sealer("c", current, null);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSealedTaskOpensWithTheSameSecretAndClusterAndHidesItsBytes() throws SealException {
        byte[] sealed = sealer(S1).sealTask(bytes("the task's bytes"));

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("task's");
        assertThat(sealer(S1).openTask(sealed).plain()).isEqualTo(bytes("the task's bytes"));
    }

    @Test
    void everyMessageGetsAFreshNonce() {
        Sealer s = sealer(S1);
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            nonces.add(new String(Sealer.nonce(s.sealTask(bytes("same"))), StandardCharsets.ISO_8859_1));
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void anyAlteredByteIsRefused() {
        Sealer member = sealer(S1);
        byte[] sealed = sealer(S1).sealTask(bytes("the task's bytes"));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            int at = i;
            assertThatThrownBy(() -> member.openTask(tampered))
                    .as("byte %d altered", at)
                    .isInstanceOf(SealException.class);
        }
        byte[] cut = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        assertThatThrownBy(() -> member.openTask(cut)).isInstanceOf(SealException.class);
    }

    @Test
    void unsealedBytesAreRefused() {
        assertThatThrownBy(() -> sealer(S1).openTask(bytes("a plain serialised task, not sealed at all")))
                .isInstanceOf(SealException.class)
                .hasMessage("it is not sealed");
        assertThatThrownBy(() -> sealer(S1).openTask(new byte[0])).isInstanceOf(SealException.class);
    }

    @Test
    void aTaskSealedWithAnotherSecretIsRefused() {
        byte[] sealed = sealer(S2).sealTask(bytes("x"));
        assertThatThrownBy(() -> sealer(S1).openTask(sealed))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("another secret");
    }

    @Test
    void aTaskSealedForAnotherClusterIsRefused() {
        byte[] sealed = sealer("other", S1, null).sealTask(bytes("x"));
        assertThatThrownBy(() -> sealer("c", S1, null).openTask(sealed))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("forged or altered");
    }

    @Test
    void aResultDoesNotPassForATaskNorATaskForAResult() throws SealException {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        byte[] task = client.sealTask(bytes("task"));
        byte[] result = member.sealResult(bytes("result"), member.openTask(task));

        assertThatThrownBy(() -> member.openTask(result)).isInstanceOf(SealException.class);
        assertThatThrownBy(() -> client.openResult(task, Sealer.nonce(task))).isInstanceOf(SealException.class);
        // Even with the kind byte changed, the tag covers it.
        byte[] relabelled = result.clone();
        relabelled[2] = Sealer.Kind.TASK.code;
        assertThatThrownBy(() -> member.openTask(relabelled)).isInstanceOf(SealException.class);
    }

    @Test
    void aResultOpensOnlyForTheTaskItAnswers() throws SealException {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        byte[] one = client.sealTask(bytes("one"));
        byte[] two = client.sealTask(bytes("two"));
        byte[] answerToOne = member.sealResult(bytes("1"), member.openTask(one));

        assertThat(client.openResult(answerToOne, Sealer.nonce(one))).isEqualTo(bytes("1"));
        assertThatThrownBy(() -> client.openResult(answerToOne, Sealer.nonce(two)))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("another cluster or task");
    }

    @Test
    void aReplayedTaskIsRefused() throws SealException {
        Sealer member = sealer(S1);
        byte[] sealed = sealer(S1).sealTask(bytes("x"));
        member.openTask(sealed);

        assertThatThrownBy(() -> member.openTask(sealed))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("replay");
    }

    @Test
    void tasksArrivingOutOfOrderWithinTheWindowOpenOnceEach() throws SealException {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        List<byte[]> tasks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            tasks.add(client.sealTask(bytes("t" + i)));
        }
        for (int i = tasks.size() - 1; i >= 0; i--) {
            member.openTask(tasks.get(i));
        }
        for (byte[] t : tasks) {
            assertThatThrownBy(() -> member.openTask(t)).isInstanceOf(SealException.class);
        }
    }

    @Test
    void aTaskOlderThanTheBitmapIsRefusedAsAReplay() throws SealException {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        byte[] old = client.sealTask(bytes("old"));
        for (int i = 0; i < ReplayWindow.BITS; i++) {
            client.sealTask(bytes("skipped"));
        }
        member.openTask(client.sealTask(bytes("new")));

        assertThatThrownBy(() -> member.openTask(old))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("older than");
    }

    @Test
    void aTaskSealedOutsideTheTimeWindowIsRefusedEitherWay() {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        byte[] early = client.sealTask(bytes("x"));
        now.addAndGet(Sealer.WINDOW_MILLIS + 1);
        assertThatThrownBy(() -> member.openTask(early))
                .isInstanceOf(SealException.class)
                .hasMessageContaining("replay window");

        byte[] late = client.sealTask(bytes("y"));
        now.addAndGet(-2 * (Sealer.WINDOW_MILLIS + 1));
        assertThatThrownBy(() -> member.openTask(late)).isInstanceOf(SealException.class);
    }

    @Test
    void quietSendersAreForgottenAndTheirOldTasksStillRefused() throws SealException {
        ReplayWindow w = new ReplayWindow(1000, now::get);
        long t0 = now.get();
        w.accept(1, 0, t0);
        w.accept(2, 0, t0);
        now.addAndGet(2001);
        w.accept(3, 0, now.get());

        assertThat(w.senders()).isEqualTo(1);
        assertThatThrownBy(() -> w.accept(1, 0, t0)).isInstanceOf(SealException.class);
    }

    @Test
    void rotationAMemberWithNewAndPreviousOpensBothAndAnswersEachWithItsKey() throws SealException {
        Sealer oldClient = sealer("c", S1, null);
        Sealer newClient = sealer("c", S2, null);
        Sealer member = sealer("c", S2, S1);

        byte[] oldTask = oldClient.sealTask(bytes("old"));
        byte[] newTask = newClient.sealTask(bytes("new"));
        byte[] toOld = member.sealResult(bytes("r-old"), member.openTask(oldTask));
        byte[] toNew = member.sealResult(bytes("r-new"), member.openTask(newTask));

        assertThat(oldClient.openResult(toOld, Sealer.nonce(oldTask))).isEqualTo(bytes("r-old"));
        assertThat(newClient.openResult(toNew, Sealer.nonce(newTask))).isEqualTo(bytes("r-new"));
        // Once the previous secret is dropped, the old one no longer opens.
        assertThatThrownBy(() -> sealer("c", S2, null).openTask(oldClient.sealTask(bytes("late"))))
                .isInstanceOf(SealException.class);
    }

    @Test
    void manyThreadsSealingAndOneMemberOpeningSeeNoNonceTwiceAndNoFalseReplay() throws Exception {
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        int threads = 8;
        int each = 2_000;
        Map<String, Boolean> nonces = new ConcurrentHashMap<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        byte[] sealed = client.sealTask(bytes("t"));
                        nonces.put(new String(Sealer.nonce(sealed), StandardCharsets.ISO_8859_1), true);
                        member.openTask(sealed);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(nonces).hasSize(threads * each);
    }

    @Test
    void manyVirtualAndPlatformThreadsSealingAndOpeningBothWaysGetEveryMessageBackIntact() throws Exception {
        // The ciphers are pooled across threads: a cipher used by two threads at once would mix
        // their messages, and a message would then fail to open or open to other bytes.
        Sealer client = sealer(S1);
        Sealer member = sealer(S1);
        int threads = 16;
        int each = 1_000;
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.Builder builder = t % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
            started.add(builder.start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        byte[] task = bytes("task " + id + "/" + i + " " + "x".repeat(i % 300));
                        byte[] sealed = client.sealTask(task);
                        Sealer.Opened opened = member.openTask(sealed);
                        assertThat(opened.plain()).isEqualTo(task);
                        byte[] result = bytes("result " + id + "/" + i);
                        assertThat(client.openResult(member.sealResult(result, opened), Sealer.nonce(sealed)))
                                .isEqualTo(result);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void secretsComeFromAFileOrTheEnvironmentWithThePreviousOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "# rotated on Monday\n" + S2 + "\n\n" + S1 + "\n");
        Sealer fromFile = new Sealer("c", ClusterSecret.fromFile(file), now::get);
        Sealer fromEnv =
                new Sealer("c", ClusterSecret.fromEnvironment(Map.of("X", S2, "X_PREVIOUS", S1), "X"), now::get);

        assertThat(fromFile.openTask(sealer(S1).sealTask(bytes("a"))).plain()).isEqualTo(bytes("a"));
        assertThat(fromEnv.openTask(sealer(S2).sealTask(bytes("b"))).plain()).isEqualTo(bytes("b"));
        assertThat(ClusterSecret.fromEnvironment(Map.of(), "X")).isNull();
        assertThat(ClusterSecret.fromFile(file)).hasToString("secret file " + file.toAbsolutePath());
    }

    @Test
    void badSecretsAreRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ClusterSecret.of("short", null, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("head -c 32 /dev/urandom");
        assertThatThrownBy(() -> ClusterSecret.of(S1, S1, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same as the current");
        Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
        assertThatThrownBy(() -> ClusterSecret.fromFile(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must hold one secret");
        assertThatThrownBy(() -> ClusterSecret.fromFile(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read");
        assertThatThrownBy(() -> ClusterSecret.fromFile(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file");
    }

    @Test
    void aRequiredEnvironmentVariableThatIsNotSetIsNamedInTheError() {
        String name = "BACKGROUND_SEALER_TEST_VARIABLE_NOBODY_SETS";
        assertThat(System.getenv(name)).isNull();
        assertThatThrownBy(() -> ClusterSecret.fromRequiredEnvironment(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable " + name + " is not set");
        assertThatThrownBy(() -> ClusterSecret.fromRequiredEnvironment(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("name");
    }
}
