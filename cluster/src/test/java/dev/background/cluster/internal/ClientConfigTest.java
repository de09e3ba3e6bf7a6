package dev.background.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a pool's Hazelcast client is configured with, before it connects. */
class ClientConfigTest {

    @Test
    void hazelcastsLoggingTypeIsSetOnTheClientsOwnConfigOnlyWhenAsked() {
        var quiet = ClusterEngine.clientConfig(settings("none"), "quiet");
        var plain = ClusterEngine.clientConfig(settings(null), "plain");

        assertThat(quiet.getProperty("hazelcast.logging.type")).isEqualTo("none");
        assertThat(plain.getProperty("hazelcast.logging.type")).isNull();
        assertThat(System.getProperty("hazelcast.logging.type"))
                .as("nothing global")
                .isNull();
    }

    @Test
    void theClientTalksToTheGivenMembersOfTheNamedCluster() {
        var config = ClusterEngine.clientConfig(settings(null), "pool-1");

        assertThat(config.getClusterName()).isEqualTo("render");
        assertThat(config.getInstanceName()).isEqualTo("pool-1");
        assertThat(config.getNetworkConfig().getAddresses()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    }

    private static Settings settings(String hazelcastLogging) {
        return new Settings(
                "render",
                List.of("127.0.0.1:5701", "127.0.0.1:5702"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                -1,
                hazelcastLogging,
                null);
    }
}
