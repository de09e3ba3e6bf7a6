package dev.background.cluster;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.testkit.PoolContract;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;

/**
 * The behaviour every kind owes its users, on the cluster kind: one worker JVM on 127.0.0.1 (so
 * that the pool's n is the limit of tasks running at once, as the contract expects of one pool),
 * with as many threads as the contract's largest pool.
 */
class ClusterContractTest extends PoolContract {

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
