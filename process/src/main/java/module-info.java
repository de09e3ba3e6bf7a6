/**
 * background worker processes: an {@link dev.background.ExecutorKind} that runs tasks in separate
 * worker JVMs, isolated from crashes, behind the same user API as threads. Start at
 * {@link dev.background.process.ProcessKind}. {@code dev.background.process.internal} is not
 * exported.
 */
module dev.background.process {
    requires transitive dev.background;
    requires java.management; // the application JVM's options that workers inherit

    exports dev.background.process;
    exports dev.background.process.spi; // for libraries that prepare workers (the Spring Boot starter)

    uses dev.background.process.spi.WorkerInitializer;
}
