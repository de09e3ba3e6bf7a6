package dev.background.process.spi;

/**
 * Prepares a worker JVM before it takes tasks: for frameworks that must set a worker up once
 * (boot an application context, open a connection pool), so that the pool's workers are ready,
 * and counted as started, only once that is done. Not for applications: a library registers an
 * implementation as a {@link java.util.ServiceLoader} service (a
 * {@code META-INF/services/dev.background.process.spi.WorkerInitializer} file, or
 * {@code provides} in its module), and every worker process whose class path holds it runs it.
 *
 * <p>An initializer runs in every worker of every process pool of the application, so it must
 * do nothing in workers it is not meant for: decide from a system property that the pool sets
 * ({@code ProcessKind.Builder.systemProperty}).
 */
public interface WorkerInitializer {

    /**
     * Prepares this worker JVM. Called once per worker, on its main thread, after
     * {@code System.out} is redirected to the application (what it prints there reaches the
     * application's standard output, prefixed with the worker) and before the worker reports
     * itself ready: no task runs until every initializer has returned, and the pool counts the
     * worker as started only then. Initializers run in the order {@code ServiceLoader} finds
     * them. May block as long as it needs; the application waits for the worker without limit.
     *
     * @throws Exception if the worker cannot serve: the worker prints it to standard error and
     *     exits with status 70, and the application counts it as a worker that died while starting
     *     (after three such deaths in a row the tasks waiting for a worker fail)
     */
    void initialize() throws Exception;
}
