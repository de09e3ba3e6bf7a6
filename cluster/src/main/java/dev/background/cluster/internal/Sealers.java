package dev.background.cluster.internal;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pool's sealers, one per member it sends to. Each seals with a sender id of its own, so that a
 * member's {@link ReplayWindow} sees this pool's tasks to it as one dense run of counters, not as
 * a run with the gaps that sends to the other members leave. With one sealer for all members, a
 * task overtaken at its member by {@value ReplayWindow#BITS} sends to the others (a Hazelcast
 * retry after a lost connection, say) was refused there as a replay, and the refusal, unsealed,
 * made a healthy member faulty for good.
 *
 * <p>Maintainers: thread-safe (a concurrent map of thread-safe sealers). Like the engine's member
 * handles, a member's sealer is kept for the pool's life: members are few, and a late answer from
 * one that left still opens.
 */
final class Sealers {
    private final String clusterName;
    private final ClusterSecret secret;
    private final ConcurrentHashMap<UUID, Sealer> byMember = new ConcurrentHashMap<>();

    Sealers(String clusterName, ClusterSecret secret) {
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** The sealer of the tasks sent to {@code member}, and of the opening of its answers. */
    Sealer forMember(UUID member) {
        return byMember.computeIfAbsent(member, m -> new Sealer(clusterName, secret));
    }
}
