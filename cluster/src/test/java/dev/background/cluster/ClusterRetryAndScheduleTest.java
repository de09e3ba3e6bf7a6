package dev.background.cluster;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.testkit.RetryAndScheduleContract;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/** Retries, delays and periodic tasks on the cluster kind: each delayed or retried call runs on a member when its time comes. */
class ClusterRetryAndScheduleTest extends RetryAndScheduleContract {

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
