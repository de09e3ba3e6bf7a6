package dev.background.cluster;

import dev.background.ExecutorKind;
import dev.background.RemoteTaskException;
import dev.background.TaskTransferException;
import dev.background.cluster.internal.ClusterEngine;
import dev.background.cluster.internal.ClusterSecret;
import dev.background.cluster.internal.Settings;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The executor kind that runs tasks on a Hazelcast cluster of {@link ClusterWorker}s:
 * <pre>{@code
 * ExecutorKind cluster = ClusterKind.builder()
 *         .clusterName("render")
 *         .members("10.0.0.5:5701,10.0.0.6:5701")
 *         .build();
 * try (BackgroundPool pool = BackgroundPool.builder().kind(cluster).n(4).build()) {
 *     ...the same code as on threads...
 * }
 * }</pre>
 *
 * <p>Each pool connects as a Hazelcast client to the given member addresses when it is built
 * (building fails with an {@link IllegalStateException} if no worker answers within the
 * {@linkplain Builder#connectTimeout connect timeout}), and closes its client when it terminates.
 * The pool's {@code n} is how many of its tasks each member runs at once (default 4, as for
 * {@code background worker}); a member never runs more than its own {@code --n} at once.
 *
 * <p><b>Delivery.</b> Tasks run at least once and every future settles exactly once. The pool
 * tracks which member runs which task; when a member leaves (crash, kill, network loss), its tasks
 * are sent again to the remaining members, so a task may run twice if a member died just after
 * running it. Make tasks idempotent where running twice matters. If no worker is reachable for
 * the {@linkplain Builder#memberWait member wait}, waiting tasks fail with
 * {@link ClusterUnavailableException}. See {@code docs/cluster.md}.
 *
 * <p><b>Failures.</b> A task that cannot be serialised fails at once with a
 * {@link TaskTransferException}; so does one whose classes the members cannot load, or whose
 * result cannot come back. A task's own exception reaches its future as itself (or, if it cannot
 * be rebuilt here, as a {@link RemoteTaskException} standing in for it), with its remote stack
 * trace followed by a separator naming the member and the place where the task was submitted,
 * as described in {@linkplain dev.background the package documentation of dev.background}.
 *
 * <p>Instances are immutable and thread-safe; one kind may serve many pools.
 */
public final class ClusterKind implements ExecutorKind {

    /** The default n: tasks each member runs at once for one pool. */
    public static final int DEFAULT_N = 4;

    private final Settings settings;
    private final boolean recordSubmitSites;

    private ClusterKind(Settings settings, boolean recordSubmitSites) {
        this.settings = settings;
        this.recordSubmitSites = recordSubmitSites;
    }

    /**
     * Starts building a cluster kind.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public int defaultN() {
        return DEFAULT_N;
    }

    /**
     * Connects a Hazelcast client for the pool, blocking until a worker member is reachable.
     *
     * @throws IllegalStateException if no worker member is reachable within the connect timeout
     */
    @Override
    public Engine open(String poolName, int n) {
        return open(poolName, n, EngineEvents.NONE);
    }

    /**
     * Like {@link #open(String, int)}, reporting members that join and leave to {@code events}.
     *
     * @throws IllegalStateException if no worker member is reachable within the connect timeout
     */
    @Override
    public Engine open(String poolName, int n, EngineEvents events) {
        return ClusterEngine.open(settings, poolName, n, events);
    }

    /**
     * Whether tasks record where they were submitted, for the stack traces of their failures:
     * true unless turned off with {@link Builder#recordSubmitSites(boolean)}.
     */
    @Override
    public boolean recordsSubmitSite() {
        return recordSubmitSites;
    }

    /**
     * The cluster's name.
     *
     * @return the name
     */
    public String clusterName() {
        return settings.clusterName();
    }

    /**
     * The member addresses the pools connect to.
     *
     * @return {@code host:port} strings
     */
    public List<String> members() {
        return settings.members();
    }

    @Override
    public String toString() {
        return "cluster '" + settings.clusterName() + "' at " + String.join(",", settings.members());
    }

    /** Builds a {@link ClusterKind}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String clusterName;
        private final List<String> members = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration memberWait = Duration.ofSeconds(5);
        private int prefetch = -1;
        private boolean recordSubmitSites = true;
        private @Nullable String hazelcastLogging;
        private @Nullable ClusterSecret secret;
        private boolean secretGiven;

        private Builder() {}

        /**
         * Reads the cluster's secret from a file, the workers' secret: every task is then sealed
         * with it (AES-GCM) and every result must be sealed with it, so that only holders of the
         * secret can run tasks on the workers or answer the pool; a member whose answer does not
         * open is dropped as faulty and its tasks go to the others. The file's first line is the
         * secret (at least 16 characters); an optional second line is the previous secret, still
         * accepted. Default: the environment variable {@code BACKGROUND_CLUSTER_SECRET}, if set,
         * else no secret. See {@link ClusterWorker}.
         *
         * @param file the secret file
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if the file cannot be read or holds no valid secret
         */
        public Builder secretFile(Path file) {
            this.secret = ClusterSecret.fromFile(file);
            this.secretGiven = true;
            return this;
        }

        /**
         * Reads the cluster's secret from environment variable {@code name} (and the previous one
         * from {@code name_PREVIOUS}); see {@link #secretFile}.
         *
         * @param name the variable's name
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if the variable is not set, or its secret is too short
         */
        public Builder secretEnvironment(String name) {
            this.secret = ClusterSecret.fromRequiredEnvironment(name);
            this.secretGiven = true;
            return this;
        }

        /**
         * The cluster's name, as given to the workers with {@code --cluster}. Required.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder clusterName(String name) {
            this.clusterName = Settings.checkName(name);
            return this;
        }

        /**
         * Member addresses to connect to, as {@code host:port} separated by commas. Required (at
         * least one); the client learns the other members from those it reaches.
         *
         * @param addresses for example {@code "127.0.0.1:5701,127.0.0.1:5702"}
         * @return this builder
         * @throws NullPointerException if {@code addresses} is null
         * @throws IllegalArgumentException if an address is not {@code host:port}
         */
        public Builder members(String addresses) {
            Objects.requireNonNull(addresses, "addresses");
            return members(Arrays.asList(addresses.split(",")));
        }

        /**
         * Member addresses to connect to, each {@code host:port}; see {@link #members(String)}.
         *
         * @param addresses the addresses
         * @return this builder
         * @throws NullPointerException if {@code addresses} or one of them is null
         * @throws IllegalArgumentException if an address is not {@code host:port}
         */
        public Builder members(List<String> addresses) {
            Objects.requireNonNull(addresses, "addresses");
            for (String a : addresses) {
                members.add(Settings.checkAddress(
                        Objects.requireNonNull(a, "address").strip()));
            }
            return this;
        }

        /**
         * How long building a pool waits for a worker member to answer. Default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Settings.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long tasks wait for a worker member when none is reachable (all members gone, or
         * the client cut off) before they fail with {@link ClusterUnavailableException}. Tasks
         * submitted while an outage has lasted longer than this fail at once. Default 5 s.
         *
         * @param wait a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder memberWait(Duration wait) {
            this.memberWait = Settings.positive(wait, "memberWait");
            return this;
        }

        /**
         * How many tasks beyond {@code n} a pool sends ahead to each member, to wait in the
         * member's queue so that its threads never wait for the network between two tiny tasks.
         * By default the pool decides, per member: as many as the member's threads finish in one
         * round trip (measured), up to 256, and none to a worker whose {@code --n} is larger than
         * the pool's {@code n}, so that {@code n} stays exact; tasks much longer than a round trip
         * get none (see docs/cluster.md). A fixed number turns that off: up to
         * {@code n + tasks} are then sent, and as many run at once as the worker has threads
         * ({@code --n}). Tasks sent ahead are sent again elsewhere if the member dies, like
         * running ones. Calls with a time limit are never sent ahead: they wait for a member
         * with a free thread, so that their time runs only while they run.
         *
         * @param tasks at least 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder prefetch(int tasks) {
            this.prefetch = Settings.atLeast(tasks, 0, "prefetch");
            return this;
        }

        /**
         * Whether tasks record where they were submitted (a stack walk per task, some
         * microseconds), so that a remote failure's stack trace ends with the submitting line.
         * Default true; turn off only for floods of tiny tasks.
         *
         * @param record false to skip the stack walk
         * @return this builder
         */
        public Builder recordSubmitSites(boolean record) {
            this.recordSubmitSites = record;
            return this;
        }

        /**
         * Where the pools' Hazelcast clients send Hazelcast's own log lines: one of
         * {@code "jdk"} ({@code java.util.logging}, under {@code com.hazelcast.*}), {@code "slf4j"},
         * {@code "log4j2"}, {@code "log4j"} or {@code "none"}. Set as {@code hazelcast.logging.type}
         * on each client's own configuration only; no global setting or log level changes. By
         * default (null) Hazelcast decides: the {@code hazelcast.logging.type} system property, else
         * {@code java.util.logging}, at INFO, which logs every connection. The library's own log
         * lines go to {@link System.Logger} {@code dev.background.cluster} either way. Note that
         * Hazelcast shares the type of the first instance of a JVM with its static loggers.
         *
         * @param type a logging type, or null for Hazelcast's default
         * @return this builder
         * @throws IllegalArgumentException if {@code type} is none of the above
         */
        public Builder hazelcastLogging(@Nullable String type) {
            this.hazelcastLogging = Settings.checkLoggingType(type);
            return this;
        }

        /**
         * Builds the kind.
         *
         * @return the kind
         * @throws IllegalStateException if the cluster name or the members are missing
         */
        public ClusterKind build() {
            if (clusterName == null) {
                throw new IllegalStateException(
                        "clusterName(..) is required: the name given to the workers with --cluster");
            }
            if (members.isEmpty()) {
                throw new IllegalStateException("members(..) is required: the host:port of at least one worker");
            }
            ClusterSecret s =
                    secretGiven ? secret : ClusterSecret.fromEnvironment(System.getenv(), ClusterSecret.ENVIRONMENT);
            return new ClusterKind(
                    new Settings(
                            clusterName,
                            List.copyOf(members),
                            connectTimeout,
                            memberWait,
                            prefetch,
                            hazelcastLogging,
                            s),
                    recordSubmitSites);
        }
    }
}
