package consumer;

import dev.background.BackgroundPool;
import dev.background.process.ProcessKind;

/** A task on the README's worker-process kind: prints this JVM's process id and the worker's. */
final class IsolatedExample {
    private IsolatedExample() {}

    public static void main(String[] args) {
        try (var isolated = BackgroundPool.builder().kind(ProcessKind.builder().jvmOptions("-Xmx256m").build()).n(1).build()) {
            long worker = isolated.task(() -> ProcessHandle.current().pid()).call().result();
            System.out.println("main " + ProcessHandle.current().pid() + ", worker " + worker);
        }
    }
}
