package dev.background.cluster;

import dev.background.BackgroundPool;
import dev.background.cluster.testing.LocalCluster;
import dev.background.testkit.ContextContract;
import org.junit.jupiter.api.BeforeAll;

/**
 * Context propagation on cluster members: the context travels as strings in the remote call and
 * the member restores it with the propagators installed with its class loader (the test's
 * {@code RequestPropagator}, listed in core's test resources). One member with four threads, so
 * that the warm-pool test's second task runs on a member thread that already ran a task.
 */
class ClusterContextTest extends ContextContract {
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = SharedClusters.oneMemberOfFour(); // closed at the test JVM's exit
    }

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(cluster.kind()).awaitTasksAtExit(false);
    }

    @Override
    protected boolean carriesToAnotherJvm() {
        return true;
    }

    @Override
    protected int stressTasksPerSubmitter() {
        return 25;
    }
}
