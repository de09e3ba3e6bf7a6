package dev.background.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one pool: the default pool ({@code background.*}) or a named one
 * ({@code background.pools.NAME.*}). Bound by Spring from the application's configuration; an
 * application reads or sets them only through properties. Unset values take the library's
 * defaults. Not thread-safe: Spring binds it once, at start-up.
 */
public class PoolProperties {

    /** What the pool runs its tasks on. */
    public enum Kind {
        /** Platform threads (the default): for CPU-bound work. */
        THREADS,
        /** Virtual threads: for I/O-bound work, thousands of calls at once. */
        VIRTUAL_THREADS,
        /** Worker JVMs (needs dev.background:background-process). */
        PROCESSES,
        /** Members of a Hazelcast cluster (needs dev.background:background-cluster). */
        CLUSTER
    }

    /** How many tasks run at once. Default: the kind's (the number of processors for threads, 1000 for virtual threads). */
    private @Nullable Integer n;

    /** What the pool runs its tasks on: threads, virtual-threads, processes or cluster. */
    private Kind kind = Kind.THREADS;

    /** How many recently submitted tasks the pool keeps for inspection beyond the pending ones (0 turns the list off). Default 16384. */
    private @Nullable Integer keepResults;

    /** Settings of worker processes (kind processes). */
    private final Processes processes = new Processes();

    /** Settings of the cluster (kind cluster). */
    private final Cluster cluster = new Cluster();

    /** Context propagators, by key, whose context each task of the pool sees from its submitter (such as mdc): ContextPropagator beans of the application and those installed through META-INF/services. */
    private List<String> propagators = new ArrayList<>();

    /** Settings with every value unset: the library's defaults. Spring binds into it. */
    public PoolProperties() {}

    /**
     * How many tasks run at once, or null for the kind's default.
     *
     * @return the limit, or null
     */
    public @Nullable Integer getN() {
        return n;
    }

    /**
     * Sets how many tasks run at once.
     *
     * @param n the limit, or null for the kind's default
     */
    public void setN(@Nullable Integer n) {
        this.n = n;
    }

    /**
     * What the pool runs its tasks on.
     *
     * @return the kind
     */
    public Kind getKind() {
        return kind;
    }

    /**
     * Sets what the pool runs its tasks on.
     *
     * @param kind the kind
     */
    public void setKind(Kind kind) {
        this.kind = kind;
    }

    /**
     * How many recently submitted tasks the pool keeps, or null for the library's default.
     *
     * @return the count, or null
     */
    public @Nullable Integer getKeepResults() {
        return keepResults;
    }

    /**
     * Sets how many recently submitted tasks the pool keeps.
     *
     * @param keepResults the count, or null for the library's default
     */
    public void setKeepResults(@Nullable Integer keepResults) {
        this.keepResults = keepResults;
    }

    /**
     * The settings of worker processes.
     *
     * @return the settings, never null
     */
    public Processes getProcesses() {
        return processes;
    }

    /**
     * The settings of the cluster.
     *
     * @return the settings, never null
     */
    public Cluster getCluster() {
        return cluster;
    }

    /**
     * The names of the context propagators.
     *
     * @return the names, in order
     */
    public List<String> getPropagators() {
        return propagators;
    }

    /**
     * Sets the names of the context propagators.
     *
     * @param propagators the names, in order
     */
    public void setPropagators(List<String> propagators) {
        this.propagators = propagators;
    }

    /** Settings of worker processes ({@code kind: processes}). */
    public static class Processes {

        /** Options of the worker JVMs' command line, such as -Xmx512m. */
        private List<String> jvmOptions = new ArrayList<>();

        /** How many times a task whose worker died is run again on another worker. Default 0. */
        private @Nullable Integer retriesOnWorkerDeath;

        /** Whether all n workers start with the pool (and a dead one is replaced at once) rather than as tasks need them. Default false. */
        private @Nullable Boolean eager;

        /** Whether each worker starts the application, in worker mode, before it takes tasks, so that @Async methods can run there; false starts it at a worker's first @Async call instead. Default true. */
        private @Nullable Boolean startApplication;

        /** Settings with every value unset. Spring binds into it. */
        public Processes() {}

        /**
         * Options of the worker JVMs' command line.
         *
         * @return the options, in order
         */
        public List<String> getJvmOptions() {
            return jvmOptions;
        }

        /**
         * Sets options of the worker JVMs' command line.
         *
         * @param jvmOptions the options, in order
         */
        public void setJvmOptions(List<String> jvmOptions) {
            this.jvmOptions = jvmOptions;
        }

        /**
         * How many times a task whose worker died is run again, or null for the default.
         *
         * @return the count, or null
         */
        public @Nullable Integer getRetriesOnWorkerDeath() {
            return retriesOnWorkerDeath;
        }

        /**
         * Sets how many times a task whose worker died is run again.
         *
         * @param retriesOnWorkerDeath the count, or null for the default
         */
        public void setRetriesOnWorkerDeath(@Nullable Integer retriesOnWorkerDeath) {
            this.retriesOnWorkerDeath = retriesOnWorkerDeath;
        }

        /**
         * Whether all workers start with the pool, or null for the default (as tasks need them).
         *
         * @return the setting, or null
         */
        public @Nullable Boolean getEager() {
            return eager;
        }

        /**
         * Sets whether all workers start with the pool.
         *
         * @param eager true to start them with the pool, or null for the default
         */
        public void setEager(@Nullable Boolean eager) {
            this.eager = eager;
        }

        /**
         * Whether each worker starts the application before it takes tasks, or null for the
         * default (it does).
         *
         * @return the setting, or null
         */
        public @Nullable Boolean getStartApplication() {
            return startApplication;
        }

        /**
         * Sets whether each worker starts the application before it takes tasks.
         *
         * @param startApplication false to start it at a worker's first {@code @Async} call, or
         *     null for the default (true)
         */
        public void setStartApplication(@Nullable Boolean startApplication) {
            this.startApplication = startApplication;
        }
    }

    /** Settings of the cluster ({@code kind: cluster}). */
    public static class Cluster {

        /** The cluster's name, as its members were started with (--cluster). Required with kind cluster. */
        private @Nullable String name;

        /** Addresses of members to connect to, each host:port. At least one with kind cluster. */
        private List<String> members = new ArrayList<>();

        /**
         * File holding the cluster's shared secret (the members' --secret-file): tasks and results
         * are then sealed. Without it, members must be on loopback or a trusted network.
         */
        private @Nullable Path secretFile;

        /** Settings with every value unset. Spring binds into it. */
        public Cluster() {}

        /**
         * The cluster's name.
         *
         * @return the name, or null if unset
         */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets the cluster's name.
         *
         * @param name the name
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /**
         * Addresses of members to connect to.
         *
         * @return the addresses, each host:port
         */
        public List<String> getMembers() {
            return members;
        }

        /**
         * Sets the addresses of members to connect to.
         *
         * @param members the addresses, each host:port
         */
        public void setMembers(List<String> members) {
            this.members = members;
        }

        /**
         * The file holding the cluster's shared secret.
         *
         * @return the file, or null if unset
         */
        public @Nullable Path getSecretFile() {
            return secretFile;
        }

        /**
         * Sets the file holding the cluster's shared secret.
         *
         * @param secretFile the file
         */
        public void setSecretFile(@Nullable Path secretFile) {
            this.secretFile = secretFile;
        }
    }
}
