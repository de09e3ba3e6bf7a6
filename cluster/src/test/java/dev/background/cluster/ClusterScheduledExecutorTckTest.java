package dev.background.cluster;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.testkit.ScheduledExecutorTck;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/** The JSR-166 TCK's scheduled-executor cases on the cluster kind: each delayed or retried call runs on a member when its time comes. */
class ClusterScheduledExecutorTckTest extends ScheduledExecutorTck {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = SharedClusters.oneMemberOfFour(); // closed at the test JVM's exit
    }

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(cluster.kind());
    }

    /** A round trip to another JVM on a busy machine: more than the default 250 ms, to be safe. */
    @Override
    protected Duration timeLimitMetByQuickCalls() {
        return Duration.ofSeconds(3);
    }
}
