/**
 * Test and demo support, not part of the cluster kind's API: {@link
 * dev.background.cluster.testing.LocalCluster} starts worker JVMs on this machine for tests,
 * demos and benchmarks. It may change in any release; production code starts members with
 * {@code background worker} or {@link dev.background.cluster.ClusterWorker}.
 */
@NullMarked
package dev.background.cluster.testing;

import org.jspecify.annotations.NullMarked;
