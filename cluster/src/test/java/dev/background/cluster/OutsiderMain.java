package dev.background.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.background.BackgroundPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Someone who knows a cluster's name and a member's address but not its secret, run by
 * {@link NetnsTest} in its own network namespace. Arguments: cluster name, member address, and a
 * directory where a task that ran (or a gadget that was deserialised) would leave a file. Prints
 * what it got back.
 */
public final class OutsiderMain {
    private OutsiderMain() {}

    public static void main(String[] args) throws Exception {
        String cluster = args[0];
        String member = args[1];
        String marks = args[2];
        try (BackgroundPool pool = BackgroundPool.builder()
                .kind(ClusterKind.builder()
                        .clusterName(cluster)
                        .members(member)
                        .hazelcastLogging("none")
                        .build())
                .build()) {
            try {
                Object r = pool.task(() -> {
                            Files.writeString(Path.of(marks, "task-ran"), "ran");
                            return "ran";
                        })
                        .call()
                        .result(Duration.ofSeconds(60));
                System.out.println("pool: result " + r);
            } catch (RuntimeException e) {
                System.out.println("pool: " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(cluster);
        cc.getNetworkConfig().addAddress(member);
        cc.setProperty("hazelcast.logging.type", "none");
        HazelcastInstance raw = HazelcastClient.newHazelcastClient(cc);
        try {
            var target = raw.getCluster().getMembers().iterator().next();
            Object r = raw.getExecutorService("background")
                    .submitToMember(new SealedClusterTest.Marker(Path.of(marks, "gadget")), target)
                    .get(60, TimeUnit.SECONDS);
            System.out.println("raw: result " + r);
        } catch (Exception e) {
            System.out.println("raw: " + e);
        } finally {
            raw.shutdown();
        }
    }
}
