package dev.background.cluster;

import dev.background.BackgroundPool;

/**
 * A program that submits to a cluster pool and returns from {@code main} without closing it, run
 * in a child JVM by {@link ExitTest}: arguments are the cluster's name and members.
 */
public final class ForgetfulMain {
    private ForgetfulMain() {}

    public static void main(String[] args) {
        BackgroundPool pool = BackgroundPool.builder()
                .kind(ClusterKind.builder()
                        .clusterName(args[0])
                        .members(args[1])
                        .hazelcastLogging("none")
                        .build())
                .n(2)
                .build();
        var slow = pool.task((Integer i) -> {
            Thread.sleep(300);
            return i;
        });
        for (int i = 0; i < 6; i++) {
            slow.apply(i).onDone(t -> System.out.println("done " + t.result()));
        }
        System.out.println("main returns");
    }
}
