package dev.background.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.background.TaskTransferException;
import dev.background.cluster.internal.ClusterSecret;
import dev.background.cluster.internal.Drain;
import dev.background.cluster.internal.Rows;
import dev.background.cluster.internal.Sealer;
import dev.background.cluster.internal.SerialGate;
import dev.background.cluster.internal.Settings;
import dev.background.cluster.internal.Wire;
import dev.background.cluster.internal.WorkerMain;
import java.io.File;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A cluster member that runs background tasks: a Hazelcast member with a {@code background}
 * executor of {@code n} threads. Start one per machine (or several on one machine, on different
 * ports), from the command line:
 * <pre>
 * background worker --cluster render --members 10.0.0.5:5701,10.0.0.6:5701 --n 4 --class-path app.jar
 * java [jvmOptions()] -cp background-cluster.jar:... dev.background.cluster.ClusterWorker --cluster ...
 * </pre>
 * or in code with {@link #builder()}.
 *
 * <p><b>Cluster secret.</b> Hazelcast's open-source edition authenticates neither members nor
 * clients: anyone who can reach a member's port can submit work to it. With a secret
 * ({@link Builder#secretFile}, {@link Builder#secretEnvironment}, or by default the environment
 * variable {@code BACKGROUND_CLUSTER_SECRET}), every task and every result is sealed with
 * AES-GCM; the worker refuses, before deserialising anything in it, a task that is not sealed
 * with the secret (or the previous one, for key rotation), and answers it with an error the
 * sender can read. Pools use the same secret ({@link ClusterKind.Builder#secretFile}).
 *
 * <p><b>Network.</b> A worker binds to 127.0.0.1 unless told otherwise ({@link Builder#bind}),
 * joins only the members listed (TCP-IP join; multicast and auto-detection off), and never binds
 * to every interface ({@code hazelcast.socket.bind.any=false}) unless given {@code 0.0.0.0}.
 * Binding to any address other than a loopback one requires a secret, or
 * {@link Builder#trustedNetworkWithoutSecret()}, which says that everyone who can reach the port
 * may run code as the worker's user.
 *
 * <p><b>Deserialisation.</b> Members deserialise tasks through Hazelcast's Java serialisation
 * filter with an allowlist: the JDK's classes ({@code java.}, {@code javax.}), Hazelcast's, the
 * library's ({@code dev.background.}), and the packages given with {@link Builder#allowPackages}
 * (each with its subpackages). A task whose classes are not on it fails with a
 * {@link TaskTransferException} that says so.
 *
 * <p><b>Deploying code.</b> A task's classes must be on the worker's class path: the jar of the
 * application, given with {@code --class-path} (or {@link Builder#classLoader}), in the same
 * version as the submitting side. Restart workers to deploy a new version.
 *
 * <p>Thread-safe. {@link #close()} leaves the cluster gracefully; tasks the worker held are sent
 * again to other members by the submitting pools.
 */
public final class ClusterWorker implements AutoCloseable {

    /**
     * How long a draining worker waits after its last task ended before it leaves, so that the
     * last answers are on their way before its connections close.
     */
    private static final long DRAIN_QUIET_MILLIS = 500;

    /** The port a worker takes when none is given (or the next free one above it). */
    private static final int DEFAULT_PORT = 5701;

    private final HazelcastInstance member;
    private final String address;
    private final String clusterName;
    private final int n;
    private final CountDownLatch down = new CountDownLatch(1);
    private final Drain drain;

    private ClusterWorker(HazelcastInstance member, String clusterName, int n, Drain drain) {
        this.member = member;
        this.drain = drain;
        var a = member.getCluster().getLocalMember().getAddress();
        this.address = a.getHost() + ":" + a.getPort();
        this.clusterName = clusterName;
        this.n = n;
        member.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                down.countDown();
            }
        });
        if (!member.getLifecycleService().isRunning()) {
            down.countDown();
        }
    }

    /**
     * The JVM options a worker's JVM should be started with on JDK 21+: the {@code --add-opens}
     * Hazelcast asks for, and no binding to every interface.
     *
     * @return the options, in order
     */
    public static List<String> jvmOptions() {
        List<String> o = new ArrayList<>(List.of(
                "--add-modules",
                "java.se",
                "--add-exports",
                "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens",
                "java.management/sun.management=ALL-UNNAMED",
                "--add-opens",
                "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Dhazelcast.socket.bind.any=false",
                "-Djava.net.preferIPv4Stack=true"));
        if (Runtime.version().feature() >= 24) { // only known to JDK 23+; quiets Unsafe warnings
            o.add("--sun-misc-unsafe-memory-access=allow");
        }
        return o;
    }

    /**
     * Starts building a worker.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This member's address.
     *
     * @return {@code host:port}
     */
    public String address() {
        return address;
    }

    /**
     * How many tasks this worker runs at once.
     *
     * @return n
     */
    public int n() {
        return n;
    }

    /**
     * Blocks until this worker has shut down (by {@link #close()}, or by a signal to the JVM).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitShutdown() throws InterruptedException {
        down.await();
    }

    /** Leaves the cluster and stops at once; blocks until done. Idempotent. See {@link #drain()}. */
    @Override
    public void close() {
        member.shutdown();
    }

    /**
     * Leaves the cluster gracefully: from now on the worker declines the tasks that reach it (the
     * pools send them to other members; they never began here), lets its running tasks finish
     * and answer, then leaves. No task fails or runs twice because of it. A {@code SIGTERM} to
     * the worker's JVM does this (Hazelcast's own shutdown hook, which would stop at once, is
     * off). Blocks, in the calling thread, until the worker has left, or for at most an hour of
     * running tasks, after which it leaves anyway (their pools then run them again elsewhere).
     * Idempotent.
     *
     * @throws InterruptedException if interrupted while waiting for running tasks (the worker
     *     then stays, declining new tasks)
     */
    public void drain() throws InterruptedException {
        if (member.getLifecycleService().isRunning()) {
            drain.drain(DRAIN_QUIET_MILLIS, TimeUnit.HOURS.toMillis(1), TimeUnit.MILLISECONDS);
            member.shutdown();
        }
    }

    private void drainAtExit() {
        try {
            drain();
        } catch (InterruptedException e) {
            member.getLifecycleService().terminate();
        }
    }

    /**
     * Describes the worker, as its ready line shows it.
     *
     * @return {@code member HOST:PORT of cluster 'NAME', n=N, pid=PID}
     */
    @Override
    public String toString() {
        return "member " + address + " of cluster '" + clusterName + "', n=" + n + ", pid="
                + ProcessHandle.current().pid();
    }

    /**
     * Runs a worker until its JVM is stopped, for {@code java -cp ... dev.background.cluster.ClusterWorker}.
     * Options: {@code --cluster NAME} (required), {@code --members host:port,...} (required),
     * {@code --n N} (default 4), {@code --port P} (default 5701 or the next free), {@code --bind ADDRESS}
     * (default 127.0.0.1), {@code --allow PACKAGE[,PACKAGE]}, {@code --class-path PATH[:PATH]},
     * {@code --hazelcast-logging TYPE}; the {@link Builder} methods of the same names say what they do.
     * Prints {@code background worker ready: } and {@linkplain #toString() the worker} once joined.
     * Exits with status 2 on bad arguments. {@code background worker} takes the same options.
     *
     * @param args the options
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        WorkerMain.run(args);
    }

    /** Builds and starts a {@link ClusterWorker}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String clusterName;
        private final List<String> members = new ArrayList<>();
        private int n = ClusterKind.DEFAULT_N;
        private int port = -1;
        private String bind = "127.0.0.1";
        private final List<String> allowed = new ArrayList<>();
        private @Nullable ClassLoader classLoader;
        private @Nullable String hazelcastLogging;
        private @Nullable ClusterSecret secret;
        private boolean secretGiven;
        private boolean trustedNetwork;
        private boolean kubernetes;
        private @Nullable String kubernetesServiceDns;

        private Builder() {}

        /**
         * How the worker finds the cluster's other members: {@code "tcp"} (the default: the
         * addresses given with {@link #members}) or {@code "kubernetes"} (Hazelcast's built-in
         * Kubernetes discovery, for workers in pods: by DNS lookup of
         * {@link #kubernetesServiceDns a headless service}, or else through the Kubernetes API,
         * which needs permission to read the namespace's endpoints). See docs/deploy.md.
         *
         * @param how {@code "tcp"} or {@code "kubernetes"}
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if neither
         */
        public Builder discovery(String how) {
            switch (Objects.requireNonNull(how, "how")) {
                case "tcp" -> kubernetes = false;
                case "kubernetes" -> kubernetes = true;
                default -> throw new IllegalArgumentException("discovery must be tcp or kubernetes: '" + how + "'");
            }
            return this;
        }

        /**
         * With {@code discovery("kubernetes")}: the DNS name of the workers' headless service, such
         * as {@code background-workers.default.svc.cluster.local}, looked up to find the members.
         *
         * @param name the service's DNS name
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder kubernetesServiceDns(String name) {
            this.kubernetesServiceDns = Objects.requireNonNull(name, "name").strip();
            return this;
        }

        /**
         * Reads the cluster's secret from a file: its first line is the secret (at least 16
         * characters; {@code head -c 32 /dev/urandom | base64} makes one), an optional second line
         * the previous secret, still accepted during a key rotation. Keep the file readable by the
         * worker's user only. Default: the environment variable {@code BACKGROUND_CLUSTER_SECRET}
         * (and {@code BACKGROUND_CLUSTER_SECRET_PREVIOUS}), if set, else no secret.
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
         * Reads the cluster's secret from environment variable {@code name} (and the previous one,
         * during a key rotation, from {@code name_PREVIOUS}); see {@link #secretFile}.
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
         * Allows binding to a non-loopback address without a cluster secret: everyone who can reach
         * the worker's port can then run code as the worker's user and read results. Only for a
         * network where every machine and user is trusted; prefer a secret.
         *
         * @return this builder
         */
        public Builder trustedNetworkWithoutSecret() {
            this.trustedNetwork = true;
            return this;
        }

        /**
         * The cluster's name; members and clients of the same name form one cluster. Required.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if blank
         */
        public Builder clusterName(String name) {
            this.clusterName = Settings.checkName(name);
            return this;
        }

        /**
         * The addresses of the cluster's members, {@code host:port} separated by commas, this one
         * included or not. Required.
         *
         * @param addresses the addresses
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if an address is not {@code host:port}
         */
        public Builder members(String addresses) {
            Objects.requireNonNull(addresses, "addresses");
            for (String a : addresses.split(",", -1)) {
                members.add(Settings.checkAddress(a.strip()));
            }
            return this;
        }

        /**
         * How many tasks this worker runs at once. Default 4.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder n(int n) {
            this.n = Settings.atLeast(n, 1, "n");
            return this;
        }

        /**
         * The port to listen on, exactly. Default: 5701, or the next free port above it.
         *
         * @param port 1..65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder port(int port) {
            this.port = Settings.atLeast(port, 1, "port");
            if (port > 65535) {
                throw new IllegalArgumentException("port must be at most 65535: " + port);
            }
            return this;
        }

        /**
         * The address to listen on. Default 127.0.0.1: only this machine can reach the worker.
         * Anything else exposes a service that runs code sent to it, without authentication; see
         * the class comment. {@code 0.0.0.0} binds to every interface.
         *
         * @param address an IP address of this machine
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder bind(String address) {
            this.bind = Objects.requireNonNull(address, "address").strip();
            return this;
        }

        /**
         * Packages (with their subpackages) whose classes tasks may carry, besides the JDK's,
         * Hazelcast's and the library's: those of your application.
         *
         * @param packages package names, such as {@code com.example}
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder allowPackages(String... packages) {
            for (String p : Objects.requireNonNull(packages, "packages")) {
                String s = Objects.requireNonNull(p, "package").strip();
                if (!s.isEmpty()) {
                    allowed.add(s.endsWith(".") ? s : s + ".");
                }
            }
            return this;
        }

        /**
         * Where tasks' classes are loaded from, besides this JVM's class path.
         *
         * @param loader the class loader
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Jars and directories to load tasks' classes from, separated by the platform's path
         * separator ({@code :} on Unix).
         *
         * @param path the class path
         * @return this builder
         * @throws IllegalArgumentException if an entry does not exist
         */
        public Builder classPath(String path) {
            Objects.requireNonNull(path, "path");
            List<URL> urls = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator, -1)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path p = Path.of(entry);
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("class path entry does not exist: " + p.toAbsolutePath());
                }
                try {
                    urls.add(p.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("bad class path entry: " + entry, e);
                }
            }
            return classLoader(new URLClassLoader(
                    "background-worker-classes", urls.toArray(URL[]::new), ClusterWorker.class.getClassLoader()));
        }

        /**
         * Where this member sends Hazelcast's own log lines: {@code "jdk"}, {@code "slf4j"},
         * {@code "log4j2"}, {@code "log4j"} or {@code "none"}, set as {@code hazelcast.logging.type}
         * on this member's configuration only (see
         * {@link ClusterKind.Builder#hazelcastLogging(String)}). By default (null) Hazelcast decides,
         * and logs membership changes at INFO through {@code java.util.logging}.
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
         * Starts the worker and blocks until it has joined the cluster (or formed it).
         *
         * @return the running worker
         * @throws IllegalStateException if the cluster name or members are missing
         */
        public ClusterWorker start() {
            if (clusterName == null) {
                throw new IllegalStateException("a cluster name is required (--cluster NAME)");
            }
            if (members.isEmpty() && !kubernetes) {
                throw new IllegalStateException(
                        "the members are required (--members host:port,...), or --discovery kubernetes");
            }
            ClusterSecret s = secret();
            checkExposure(s);
            if (s != null && !SerialGate.install()) {
                System.getLogger("dev.background.cluster")
                        .log(
                                System.Logger.Level.WARNING,
                                "worker of cluster '" + clusterName + "': this JVM deserialised before the worker"
                                        + " started, so Java-serialised objects that someone without the secret"
                                        + " submits are still deserialised (through the allowlist) before they are"
                                        + " refused. Start workers with background worker or ClusterWorker.main");
            }
            Config c = config(s);
            Drain drain = new Drain();
            c.getUserContext().put(Wire.DRAIN, drain);
            ClassLoader old = Thread.currentThread().getContextClassLoader();
            if (classLoader != null) {
                Thread.currentThread().setContextClassLoader(classLoader);
            }
            try {
                ClusterWorker w = new ClusterWorker(Hazelcast.newHazelcastInstance(c), clusterName, n, drain);
                Runtime.getRuntime()
                        .addShutdownHook(Thread.ofPlatform()
                                .name("background-worker-drain")
                                .unstarted(w::drainAtExit));
                return w;
            } finally {
                Thread.currentThread().setContextClassLoader(old);
            }
        }

        /** The secret given, else the one in the default environment variable, else null. */
        private @Nullable ClusterSecret secret() {
            return secretGiven ? secret : ClusterSecret.fromEnvironment(System.getenv(), ClusterSecret.ENVIRONMENT);
        }

        /** Refuses a non-loopback bind without a secret, unless the network is declared trusted. */
        void checkExposure(@Nullable ClusterSecret s) {
            if (s != null || trustedNetwork || isLoopback(bind)) {
                return;
            }
            throw new IllegalStateException("refusing to bind worker of cluster '" + clusterName + "' to " + bind
                    + " without a cluster secret: anyone who can reach that address could run code on this"
                    + " machine. Give the workers and the pools a secret (a file with one line of at least 16"
                    + " characters, e.g. from head -c 32 /dev/urandom | base64: background worker --secret-file FILE,"
                    + " ClusterKind.builder().secretFile(FILE); or the environment variable "
                    + ClusterSecret.ENVIRONMENT + "), or, on a network where every machine is trusted,"
                    + " --trusted-network-without-secret");
        }

        private static boolean isLoopback(String address) {
            try {
                return InetAddress.getByName(address).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve the bind address " + address, e);
            }
        }

        Config config() {
            return config(secretGiven ? secret : null);
        }

        private Config config(@Nullable ClusterSecret s) {
            Config c = new Config();
            if (s != null) {
                c.getUserContext().put(Wire.SEALER, new Sealer(Objects.requireNonNull(clusterName), s));
            }
            c.setClusterName(clusterName);
            c.setInstanceName("background-worker-" + (port > 0 ? port : DEFAULT_PORT) + "-"
                    + ProcessHandle.current().pid());
            boolean any = bind.equals("0.0.0.0");
            c.setProperty("hazelcast.socket.bind.any", String.valueOf(any));
            c.setProperty("hazelcast.phone.home.enabled", "false");
            // A SIGTERM drains the worker (our hook) instead of stopping it at once (Hazelcast's).
            c.setProperty("hazelcast.shutdownhook.enabled", "false");
            // Notice a dead member within seconds, so that its tasks move on soon.
            c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
            c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
            c.setProperty("hazelcast.wait.seconds.before.join", "1");
            c.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
            c.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
            NetworkConfig net = c.getNetworkConfig();
            net.setPort(port > 0 ? port : DEFAULT_PORT).setPortAutoIncrement(port <= 0);
            if (!any) {
                net.getInterfaces().setEnabled(true).addInterface(bind);
            }
            JoinConfig join = net.getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            if (kubernetes) {
                join.getKubernetesConfig().setEnabled(true);
                if (kubernetesServiceDns != null) {
                    join.getKubernetesConfig().setProperty("service-dns", kubernetesServiceDns);
                }
            } else {
                join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(members));
            }
            c.getExecutorConfig(Wire.EXECUTOR).setPoolSize(n).setStatisticsEnabled(false);
            c.getExecutorConfig(Wire.CONTROL).setPoolSize(1).setStatisticsEnabled(false);
            c.getMemberAttributeConfig().setAttribute(Wire.WORKER_ATTRIBUTE, String.valueOf(n));
            c.getMemberAttributeConfig().setAttribute(Wire.ROWS_ATTRIBUTE, "1");
            c.getUserContext().put(Wire.ROWS, new Rows());
            Wire.register(c.getSerializationConfig());
            JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
            filter.getWhitelist().addPrefixes("java.", "javax.", "com.hazelcast.", "dev.background.", "[");
            filter.getWhitelist().addPrefixes(allowed.toArray(String[]::new));
            c.getSerializationConfig().setJavaSerializationFilterConfig(filter);
            if (classLoader != null) {
                c.setClassLoader(classLoader);
            }
            if (hazelcastLogging != null) {
                c.setProperty(Settings.HAZELCAST_LOGGING_TYPE, hazelcastLogging); // this member only
            }
            return c;
        }

        @Override
        public String toString() {
            return "ClusterWorker.Builder[cluster=" + clusterName + ", members=" + members + ", n=" + n
                    + ", port=" + port + ", bind=" + bind + ", allow=" + allowed + ", classLoader=" + classLoader
                    + ", hazelcastLogging=" + hazelcastLogging + ", secret=" + secret
                    + (trustedNetwork ? ", trustedNetworkWithoutSecret" : "")
                    + (kubernetes ? ", discovery=kubernetes " + kubernetesServiceDns : "") + "]";
        }
    }
}
