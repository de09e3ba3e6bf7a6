package consumer;

import dev.background.BackgroundPool;
import dev.background.cluster.ClusterKind;
import dev.background.process.ProcessKind;

/**
 * The README's other kinds, compiled against the installed background-process and
 * background-cluster. Never run: building the cluster pool connects to the README's example
 * addresses. {@code IsolatedExample} runs a task on the process kind.
 */
final class Kinds {
    private Kinds() {}

    static void readme() {
        // worker processes: a task that calls System.exit, runs out of heap or crashes costs one future
        var isolated = BackgroundPool.builder().kind(ProcessKind.builder().jvmOptions("-Xmx256m").build()).n(4).build();

        // a Hazelcast cluster of workers started with: ./background worker --cluster render --members ...
        var cluster = BackgroundPool.builder()
                .kind(ClusterKind.builder().clusterName("render").members("10.0.0.5:5701,10.0.0.6:5701").build())
                .build();
    }
}
