package dev.background.cluster;

import dev.background.cluster.testing.LocalCluster;

/**
 * Clusters shared by the test classes that only open pools on them (the contracts), so that the
 * test JVM starts each once rather than once per class: starting and stopping a cluster costs
 * about 6 s on 2 cores, as much as a contract's tests. Each is started on first use and closed
 * when the test JVM exits. A class that stops, kills or drains members, or needs another shape,
 * starts its own.
 */
final class SharedClusters {
    private static LocalCluster oneMemberOfFour;

    private SharedClusters() {}

    /**
     * One member of n = 4, unsealed.
     *
     * @return the cluster, started on first use
     */
    static synchronized LocalCluster oneMemberOfFour() {
        if (oneMemberOfFour == null) {
            LocalCluster cluster = LocalCluster.builder().members(1).n(4).start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "close-shared-test-cluster"));
            oneMemberOfFour = cluster;
        }
        return oneMemberOfFour;
    }
}
