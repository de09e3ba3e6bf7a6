/**
 * background on a Hazelcast cluster: an executor kind whose tasks run on cluster members. Start at
 * {@link dev.background.cluster.ClusterKind} and {@link dev.background.cluster.ClusterWorker}.
 */
@NullMarked
package dev.background.cluster;

import org.jspecify.annotations.NullMarked;
