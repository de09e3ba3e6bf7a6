package dev.background.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad configuration gets a clear error before anything connects or starts. */
class BadInputTest {

    @Test
    void aKindNeedsAClusterNameAndMembers() {
        assertThatThrownBy(() -> ClusterKind.builder().members("127.0.0.1:5701").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clusterName");
        assertThatThrownBy(() -> ClusterKind.builder().clusterName("x").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("members");
    }

    @Test
    void badAddressesAndDurationsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> ClusterKind.builder().members("127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1'");
        assertThatThrownBy(() -> ClusterKind.builder().members("host:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host:99999");
        assertThatThrownBy(() -> ClusterKind.builder().memberWait(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memberWait");
        assertThatThrownBy(() -> ClusterKind.builder().prefetch(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> ClusterKind.builder().clusterName(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterKind.builder().clusterName(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
    }

    @Test
    void aKindSaysWhatItIs() {
        ClusterKind kind = ClusterKind.builder()
                .clusterName("c")
                .members("127.0.0.1:5701, 127.0.0.1:5702")
                .build();

        assertThat(kind.name()).isEqualTo("cluster");
        assertThat(kind.defaultN()).isEqualTo(ClusterKind.DEFAULT_N);
        assertThat(kind.recordsSubmitSite()).isTrue();
        assertThat(kind.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(kind).hasToString("cluster 'c' at 127.0.0.1:5701,127.0.0.1:5702");
    }

    @Test
    void workerOptionsAreCheckedWithTheOffendingValue() {
        assertThatThrownBy(() -> ClusterWorker.builder().n(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be at least 1: 0");
        assertThatThrownBy(() -> ClusterWorker.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> ClusterWorker.builder().members("nonsense"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nonsense'");
        assertThatThrownBy(() -> ClusterWorker.builder().classPath("/no/such.jar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/no/such.jar");
        assertThatThrownBy(() -> ClusterWorker.builder().hazelcastLogging("loud"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'loud'")
                .hasMessageContaining("none");
        assertThatThrownBy(() -> ClusterWorker.builder().clusterName("c").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--members");
        assertThatThrownBy(
                        () -> ClusterWorker.builder().members("127.0.0.1:5701").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--cluster");
    }

    @Test
    void aWorkerRefusesANonLoopbackAddressWithoutASecretAndSaysWhatToDo() {
        assertThatThrownBy(() -> ClusterWorker.builder()
                        .clusterName("c")
                        .members("10.200.0.1:5701")
                        .bind("10.200.0.1")
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to bind")
                .hasMessageContaining("--secret-file")
                .hasMessageContaining("BACKGROUND_CLUSTER_SECRET")
                .hasMessageContaining("--trusted-network-without-secret");
        assertThatThrownBy(() -> ClusterWorker.builder()
                        .clusterName("c")
                        .members("127.0.0.1:5701")
                        .bind("0.0.0.0")
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to bind");
        // Loopback needs no secret; a declared trusted network may go without one.
        ClusterWorker.builder().bind("127.0.0.2").checkExposure(null);
        ClusterWorker.builder().bind("10.200.0.1").trustedNetworkWithoutSecret().checkExposure(null);
    }

    @Test
    void kubernetesDiscoveryReplacesTheMemberList() {
        var config = ClusterWorker.builder()
                .clusterName("c")
                .discovery("kubernetes")
                .kubernetesServiceDns("background-workers.default.svc.cluster.local")
                .config();

        var join = config.getNetworkConfig().getJoin();
        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        assertThat(join.getKubernetesConfig().getProperty("service-dns"))
                .isEqualTo("background-workers.default.svc.cluster.local");
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThatThrownBy(() -> ClusterWorker.builder().discovery("multicast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'multicast'");
    }

    @Test
    void workersBindToLoopbackWithExplicitJoinAndAnAllowlist() {
        var config = ClusterWorker.builder()
                .clusterName("c")
                .members("127.0.0.1:5701")
                .allowPackages("com.example")
                .config();

        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
                .isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
                .containsExactly("127.0.0.1:5701");
        assertThat(config.getSerializationConfig()
                        .getJavaSerializationFilterConfig()
                        .getWhitelist()
                        .getPrefixes())
                .contains("java.", "dev.background.", "com.example.");
    }

    @Test
    void hazelcastsLoggingTypeIsSetOnAWorkersOwnConfigOnlyWhenAsked() {
        var quiet = ClusterWorker.builder()
                .clusterName("c")
                .members("127.0.0.1:5701")
                .hazelcastLogging("none")
                .config();
        var plain = ClusterWorker.builder()
                .clusterName("c")
                .members("127.0.0.1:5701")
                .config();

        assertThat(quiet.getProperty("hazelcast.logging.type")).isEqualTo("none");
        assertThat(plain.getProperty("hazelcast.logging.type")).isNull();
        assertThat(System.getProperty("hazelcast.logging.type"))
                .as("nothing global")
                .isNull();
    }

    @Test
    void aKindRefusesAnUnknownHazelcastLoggingType() {
        assertThatThrownBy(() -> ClusterKind.builder().hazelcastLogging("verbose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'verbose'");
    }
}
