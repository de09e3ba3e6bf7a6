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
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusterName");
        assertThatThrownBy(() -> ClusterKind.builder().clusterName("x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("members");
    }

    @Test
    void badAddressesAndDurationsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> ClusterKind.builder().members("127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'127.0.0.1'");
        assertThatThrownBy(() -> ClusterKind.builder().members("host:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:99999");
        assertThatThrownBy(() -> ClusterKind.builder().memberWait(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memberWait");
        assertThatThrownBy(() -> ClusterKind.builder().prefetch(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> ClusterKind.builder().clusterName(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterKind.builder().clusterName(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
    }

    @Test
    void aKindSaysWhatItIs() {
        ClusterKind kind = ClusterKind.builder().clusterName("c").members("127.0.0.1:5701, 127.0.0.1:5702").build();

        assertThat(kind.name()).isEqualTo("cluster");
        assertThat(kind.defaultN()).isEqualTo(ClusterKind.DEFAULT_N);
        assertThat(kind.recordsSubmitSite()).isTrue();
        assertThat(kind.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(kind).hasToString("cluster 'c' at 127.0.0.1:5701,127.0.0.1:5702");
    }

    @Test
    void workerOptionsAreCheckedWithTheOffendingValue() {
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--n", "many"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'many'");
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--colour", "red"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--colour");
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--cluster"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cluster");
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--n", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--class-path", "/no/such.jar"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such.jar");
        assertThatThrownBy(() -> ClusterWorker.parse(new String[] {"--cluster", "c"}).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--members");
        assertThat(ClusterWorker.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void workersBindToLoopbackWithExplicitJoinAndAnAllowlist() {
        var config = ClusterWorker.parse(new String[] {"--cluster", "c", "--members", "127.0.0.1:5701",
                "--allow", "com.example"}).config();

        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701");
        assertThat(config.getSerializationConfig().getJavaSerializationFilterConfig().getWhitelist().getPrefixes())
                .contains("java.", "dev.background.", "com.example.");
    }
}
