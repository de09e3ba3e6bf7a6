package dev.background.spring.boot.autoconfigure;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.cluster.ClusterKind;
import dev.background.context.ContextPropagator;
import dev.background.process.ProcessKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Turns the bound {@link PoolProperties} of one pool into a {@link BackgroundPool}, or throws
 * {@link InvalidBackgroundPropertyException} naming the property to fix. Pure: no Spring context,
 * so every check is testable on its own.
 */
final class PoolFactory {

    private PoolFactory() {}

    /**
     * Builds one pool.
     *
     * @param name the pool's name (thread names, the endpoint, {@code @Async} qualifiers)
     * @param prefix where its properties live, {@code background} or {@code background.pools.NAME}
     * @param props its bound settings
     * @param classLoader where to look for the optional kinds' modules
     * @param propagators the context propagators that {@code propagators} may name, by key
     * @param worker the application its worker processes start, or null for none; ignored in a worker
     * @param inWorker whether this is a worker process of the application: then every pool runs on
     *     threads (a worker never starts workers) and the settings of the remote kinds are ignored
     * @param present counts the workers of the pool if it is remote
     * @return a new pool, not yet running anything
     * @throws InvalidBackgroundPropertyException if a setting cannot be used
     */
    static BackgroundPool build(
            String name,
            String prefix,
            PoolProperties props,
            ClassLoader classLoader,
            Map<String, ContextPropagator<?>> propagators,
            @Nullable WorkerApplication worker,
            boolean inWorker,
            PresentWorkers present) {
        ExecutorKind kind = inWorker ? ExecutorKind.threads() : kind(prefix, props, classLoader, worker);
        BackgroundPool.Builder builder = BackgroundPool.builder().name(name).kind(kind);
        // By the property, not by instanceof: the remote kinds' modules are optional.
        if (!inWorker
                && (props.getKind() == PoolProperties.Kind.PROCESSES
                        || props.getKind() == PoolProperties.Kind.CLUSTER)) {
            builder.listener(present.watch(name));
        }
        // The application context drains the pools at close (BackgroundPools.stop); a JVM exit hook
        // of our own would race Spring's shutdown hook.
        builder.awaitTasksAtExit(false);
        Integer n = props.getN();
        if (n != null) {
            if (n < 1) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".n",
                        "is " + n + ", but a pool runs at least 1 task at once.",
                        "Set " + prefix + ".n to 1 or more, or remove it for the default of the kind ("
                                + props.getKind()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', '-')
                                + ").");
            }
            builder.n(n);
        }
        Integer keep = props.getKeepResults();
        if (keep != null) {
            if (keep < 0 || keep > BackgroundPool.MAX_KEEP_RESULTS) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".keep-results",
                        "is " + keep + ", outside 0.." + BackgroundPool.MAX_KEEP_RESULTS + ".",
                        "Set " + prefix + ".keep-results between 0 (no list of results) and "
                                + BackgroundPool.MAX_KEEP_RESULTS + ", or remove it for the default ("
                                + BackgroundPool.DEFAULT_KEEP_RESULTS + ").");
            }
            builder.keepResults(keep);
        }
        List<ContextPropagator<?>> chosen = new ArrayList<>();
        for (String key : props.getPropagators()) {
            ContextPropagator<?> p = propagators.get(key);
            if (p == null) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".propagators",
                        "names '" + key + "', but no context propagator has that key; available: "
                                + propagators.keySet() + ".",
                        "Name propagators from " + propagators.keySet() + ", or define a ContextPropagator bean"
                                + " (or install one through META-INF/services) whose key() is '" + key + "'.");
            }
            if (!chosen.contains(p)) {
                chosen.add(p);
            }
        }
        if (!chosen.isEmpty()) {
            builder.propagate(chosen);
        }
        return builder.build();
    }

    private static ExecutorKind kind(
            String prefix, PoolProperties props, ClassLoader classLoader, @Nullable WorkerApplication worker) {
        PoolProperties.Processes processes = props.getProcesses();
        PoolProperties.Cluster cluster = props.getCluster();
        boolean processSettings = !processes.getJvmOptions().isEmpty()
                || processes.getRetriesOnWorkerDeath() != null
                || processes.getEager() != null
                || processes.getStartApplication() != null;
        boolean clusterSettings =
                cluster.getName() != null || !cluster.getMembers().isEmpty() || cluster.getSecretFile() != null;
        if (processSettings && props.getKind() != PoolProperties.Kind.PROCESSES) {
            throw settingsOfAnotherKind(prefix, "processes", props.getKind());
        }
        if (clusterSettings && props.getKind() != PoolProperties.Kind.CLUSTER) {
            throw settingsOfAnotherKind(prefix, "cluster", props.getKind());
        }
        return switch (props.getKind()) {
            case THREADS -> ExecutorKind.threads();
            case VIRTUAL_THREADS -> ExecutorKind.virtualThreads();
            case PROCESSES -> {
                requireModule(
                        prefix, "processes", "dev.background.process.ProcessKind", "background-process", classLoader);
                yield Processes.kind(prefix, processes, worker);
            }
            case CLUSTER -> {
                requireModule(
                        prefix, "cluster", "dev.background.cluster.ClusterKind", "background-cluster", classLoader);
                yield Clusters.kind(prefix, cluster);
            }
        };
    }

    private static InvalidBackgroundPropertyException settingsOfAnotherKind(
            String prefix, String group, PoolProperties.Kind kind) {
        return new InvalidBackgroundPropertyException(
                prefix + "." + group,
                "is set, but " + prefix + ".kind is "
                        + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", which does not use it.",
                "Set " + prefix + ".kind=" + group + ", or remove the " + prefix + "." + group + ".* properties.");
    }

    private static void requireModule(
            String prefix, String kind, String className, String artifact, ClassLoader classLoader) {
        if (!ClassUtils.isPresent(className, classLoader)) {
            throw new InvalidBackgroundPropertyException(
                    prefix + ".kind",
                    "is " + kind + ", but dev.background:" + artifact + " is not on the classpath.",
                    "Add the dependency dev.background:" + artifact + " (its version comes from background-bom),"
                            + " or set " + prefix + ".kind to threads or virtual-threads.");
        }
    }

    /** Touches background-process: loaded only once it is known to be on the classpath. */
    private static final class Processes {
        static ExecutorKind kind(String prefix, PoolProperties.Processes props, @Nullable WorkerApplication worker) {
            ProcessKind.Builder builder = ProcessKind.builder();
            if (worker != null && !Boolean.FALSE.equals(props.getStartApplication())) {
                worker.systemProperties().forEach(builder::systemProperty);
            }
            if (Boolean.TRUE.equals(props.getEager())) {
                builder.eager(true);
            }
            if (!props.getJvmOptions().isEmpty()) {
                builder.jvmOptions(props.getJvmOptions().toArray(String[]::new));
            }
            Integer retries = props.getRetriesOnWorkerDeath();
            if (retries != null) {
                if (retries < 0) {
                    throw new InvalidBackgroundPropertyException(
                            prefix + ".processes.retries-on-worker-death",
                            "is " + retries + ", but a count of retries cannot be negative.",
                            "Set " + prefix + ".processes.retries-on-worker-death to 0 or more.");
                }
                builder.retriesOnWorkerDeath(retries);
            }
            return builder.build();
        }
    }

    /** Touches background-cluster: loaded only once it is known to be on the classpath. */
    private static final class Clusters {
        static ExecutorKind kind(String prefix, PoolProperties.Cluster props) {
            String name = props.getName();
            if (name == null || name.isBlank()) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".cluster.name",
                        "is not set, but " + prefix + ".kind is cluster.",
                        "Set " + prefix + ".cluster.name to the name the members were started with (--cluster).");
            }
            if (props.getMembers().isEmpty()) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".cluster.members",
                        "is empty, but " + prefix + ".kind is cluster.",
                        "Set " + prefix + ".cluster.members to one or more member addresses, host:port,"
                                + " such as 10.0.0.5:5701.");
            }
            ClusterKind.Builder builder = ClusterKind.builder().clusterName(name);
            Path secretFile = props.getSecretFile();
            if (secretFile != null) {
                try {
                    builder.secretFile(secretFile);
                } catch (IllegalArgumentException e) {
                    throw new InvalidBackgroundPropertyException(
                            prefix + ".cluster.secret-file",
                            "is " + secretFile + ", which cannot be used: " + e.getMessage(),
                            "Point " + prefix + ".cluster.secret-file to a readable file holding the secret"
                                    + " the members were started with (background worker --secret-file).");
                }
            }
            try {
                builder.members(props.getMembers());
            } catch (IllegalArgumentException e) {
                throw new InvalidBackgroundPropertyException(
                        prefix + ".cluster.members",
                        "is " + props.getMembers() + ": " + e.getMessage(),
                        "Set " + prefix + ".cluster.members to addresses host:port, such as 10.0.0.5:5701.");
            }
            return builder.build();
        }
    }
}
