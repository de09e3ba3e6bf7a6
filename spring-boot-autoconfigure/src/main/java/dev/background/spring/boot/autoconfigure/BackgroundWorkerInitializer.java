package dev.background.spring.boot.autoconfigure;

import dev.background.process.spi.WorkerInitializer;

/**
 * Starts the application in a worker process before the worker reports ready, when the pool asked
 * for it (the system properties of {@link WorkerApplication}; set by the starter for its pools of
 * processes unless {@code background.processes.start-application=false}): the pool's workers then
 * take their first {@code @Async} call with the application already running, and the health
 * indicator counts them only once they can. In other worker processes it does nothing.
 *
 * <p>Not part of the API: public for {@link java.util.ServiceLoader}, which finds it through
 * {@code META-INF/services}.
 */
public final class BackgroundWorkerInitializer implements WorkerInitializer {

    /** For {@link java.util.ServiceLoader}. */
    public BackgroundWorkerInitializer() {}

    /**
     * Starts the application named by this JVM's system properties, if any, in worker mode.
     * Runs on the worker's main thread, before it takes tasks; blocks until the application has
     * started.
     *
     * @throws IllegalStateException if the application fails to start (the worker then exits)
     */
    @Override
    public void initialize() {
        WorkerApplication app = WorkerApplication.fromSystemProperties();
        if (app != null) {
            app.context();
        }
    }
}
