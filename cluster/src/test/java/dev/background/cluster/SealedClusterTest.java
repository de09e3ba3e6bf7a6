package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.TaskTransferException;
import dev.background.cluster.testing.LocalCluster;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster with a secret: two worker JVMs started with a secret file (current and previous
 * secret), pools with and without the secret, and a raw Hazelcast client that knows the cluster's
 * name and address but not the secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SealedClusterTest {
    static final String CURRENT = "the current secret of this test cluster";
    static final String PREVIOUS = "the previous secret of this test cluster";

    private Path dir;
    private LocalCluster cluster;
    private BackgroundPool pool;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("sealed-cluster-test");
        Path workers = Files.writeString(dir.resolve("workers"), CURRENT + "\n" + PREVIOUS + "\n");
        cluster = LocalCluster.builder().members(2).n(2).secretFile(workers).start();
        pool = BackgroundPool.builder()
                .name("sealed")
                .kind(cluster.kindBuilder().secretFile(secret("pool", CURRENT)).build())
                .n(2)
                .build();
    }

    @AfterAll
    void stop() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Path secret(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text + "\n");
    }

    /** A pool on the same cluster name and addresses, without the secret. */
    private ClusterKind.Builder outsider() {
        return ClusterKind.builder()
                .clusterName(cluster.clusterName())
                .members(cluster.members())
                .connectTimeout(Duration.ofSeconds(60));
    }

    @Test
    void sealedTasksRunOnEveryMemberAndComeBackRight() {
        var square = pool.task(
                (Integer i) -> List.of((long) i * i, ProcessHandle.current().pid()));
        List<Task<List<Long>>> tasks =
                IntStream.range(0, 500).mapToObj(square::apply).toList();

        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            List<Long> r = tasks.get(i).result(Duration.ofMinutes(1));
            assertThat(r.get(0)).isEqualTo((long) i * i);
            pids.add(r.get(1));
        }
        assertThat(pids).containsExactlyInAnyOrder(cluster.pid(0), cluster.pid(1));
    }

    @Test
    void aTaskFailingRemotelyKeepsItsExceptionThroughTheSeal() {
        Task<Object> t = pool.task(() -> {
                    throw new IllegalStateException("no such page");
                })
                .call();

        assertThatThrownBy(() -> t.result(Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no such page");
    }

    @Test
    void aPoolWithoutTheSecretIsRefusedWithWhatToDoAndTheMembersKeepServing() throws IOException {
        String ran = dir.resolve("outsider-ran").toString();
        try (BackgroundPool out = BackgroundPool.builder()
                .name("outsider")
                .kind(outsider().build())
                .build()) {
            Task<String> t = out.task(() -> {
                        Files.writeString(Path.of(ran), "ran");
                        return "ran";
                    })
                    .call();

            assertThatThrownBy(() -> t.result(Duration.ofMinutes(1)))
                    .isInstanceOf(TaskTransferException.class)
                    .hasMessageContaining("refused by member")
                    .hasMessageContaining("not sealed")
                    .hasMessageContaining("secretFile");
        }
        assertThat(Path.of(ran)).doesNotExist();
        assertThat(pool.task(() -> "still serving").call().result(Duration.ofMinutes(1)))
                .isEqualTo("still serving");
    }

    @Test
    void aPoolWithTheWrongSecretGetsNoTaskRunAndSaysWhy() throws IOException {
        String ran = dir.resolve("wrong-ran").toString();
        try (BackgroundPool wrong = BackgroundPool.builder()
                .name("wrong-secret")
                .kind(outsider()
                        .secretFile(secret("wrong", "a wrong secret, long enough"))
                        .memberWait(Duration.ofMillis(500))
                        .build())
                .build()) {
            Task<String> t = wrong.task(() -> {
                        Files.writeString(Path.of(ran), "ran");
                        return "ran";
                    })
                    .call();

            assertThatThrownBy(() -> t.result(Duration.ofMinutes(1)))
                    .isInstanceOf(ClusterUnavailableException.class)
                    .hasMessageContaining("dropped as faulty")
                    .hasMessageContaining("another secret");
        }
        assertThat(Path.of(ran)).doesNotExist();
    }

    @Test
    void keyRotationAPoolStillOnThePreviousSecretIsServed() throws IOException {
        try (BackgroundPool old = BackgroundPool.builder()
                .name("previous-secret")
                .kind(outsider().secretFile(secret("old", PREVIOUS)).build())
                .build()) {
            assertThat(old.task(() -> "served").call().result(Duration.ofMinutes(1)))
                    .isEqualTo("served");
        }
    }

    /** Deserialising it on a member leaves a file behind: the mark of a gadget that got in. */
    static final class Marker implements Callable<String>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String file;

        Marker(Path file) {
            this.file = file.toString();
        }

        @Override
        public String call() {
            return "called";
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            try {
                Files.writeString(Path.of(file), "deserialised");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void aRawClientWithoutTheSecretGetsNothingDeserialisedOnTheMembers() throws Exception {
        Path mark = dir.resolve("gadget-deserialised");
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(cluster.clusterName());
        cc.getNetworkConfig().addAddress(cluster.members().split(","));
        cc.setProperty("hazelcast.logging.type", "none");
        HazelcastInstance raw = HazelcastClient.newHazelcastClient(cc);
        try {
            var member = raw.getCluster().getMembers().iterator().next();
            Future<String> f = raw.getExecutorService("background").submitToMember(new Marker(mark), member);

            assertThatThrownBy(() -> f.get(1, TimeUnit.MINUTES))
                    .isInstanceOf(ExecutionException.class)
                    .hasStackTraceContaining("REJECTED");
        } finally {
            raw.shutdown();
        }
        assertThat(mark).doesNotExist();
        assertThat(pool.task(() -> "still serving").call().result(Duration.ofMinutes(1)))
                .isEqualTo("still serving");
    }

    @Test
    void aMemberThatAnswersUnsealedIsDroppedAndItsTasksRunOnTheOthers(@TempDir Path tmp) throws Exception {
        // A member without the secret joins the cluster: it receives sealed tasks it cannot read and
        // answers them unsealed; the pool must drop it, and lose or fail nothing.
        try (ClusterWorker intruder = ClusterWorker.builder()
                .clusterName(cluster.clusterName())
                .members(cluster.members())
                .n(2)
                .hazelcastLogging("none")
                .start()) {
            try (BackgroundPool p = BackgroundPool.builder()
                    .name("with-intruder")
                    .kind(cluster.kindBuilder()
                            .secretFile(secret("p2", CURRENT))
                            .build())
                    .n(2)
                    .build()) {
                var pid = p.task((Integer i) -> ProcessHandle.current().pid());
                List<Task<Long>> tasks =
                        IntStream.range(0, 200).mapToObj(pid::apply).toList();
                Set<Long> pids = new HashSet<>();
                for (Task<Long> t : tasks) {
                    pids.add(t.result(Duration.ofMinutes(1)));
                }
                assertThat(pids).containsExactlyInAnyOrder(cluster.pid(0), cluster.pid(1));
            }
            assertThat(intruder.address()).isNotEmpty();
        }
    }
}
