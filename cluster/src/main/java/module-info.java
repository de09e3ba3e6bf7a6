/**
 * background's cluster executor kind: tasks run on a Hazelcast cluster of worker members.
 * Start at {@link dev.background.cluster.ClusterKind} (the submitting side) and
 * {@link dev.background.cluster.ClusterWorker} (the members).
 * {@code dev.background.cluster.testing} is test and demo support (local worker JVMs), outside
 * the API; {@code dev.background.cluster.internal} is not exported.
 */
@SuppressWarnings("requires-automatic") // Hazelcast ships no module descriptor: its module name comes from its manifest
module dev.background.cluster {
    requires transitive dev.background;
    requires com.hazelcast.core;

    exports dev.background.cluster;
    exports dev.background.cluster.testing;
}
