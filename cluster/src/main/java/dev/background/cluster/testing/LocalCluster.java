package dev.background.cluster.testing;

import dev.background.ExecutorKind;
import dev.background.cluster.ClusterKind;
import dev.background.cluster.ClusterWorker;
import dev.background.cluster.internal.OwningEngine;
import dev.background.cluster.internal.Settings;
import dev.background.cluster.internal.WorkerMain;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A cluster of worker JVMs on this machine, bound to 127.0.0.1, that this object starts and
 * stops: for tests, demos and benchmarks, not for production. Each worker is a separate
 * {@code java} process running {@link ClusterWorker} with this JVM's class path, so the tasks of
 * this JVM's code run there unchanged.
 * <pre>{@code
 * try (LocalCluster local = LocalCluster.builder().members(2).n(4).start();
 *      BackgroundPool pool = BackgroundPool.builder().kind(local.kind()).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe: start, stop and kill workers from one thread. Closing it stops every worker
 * still running; a worker's output goes to a log file ({@link #log(int)}).
 *
 * <p>Many workers on a small machine (a dozen on two cores, say) compete for the CPU while they
 * start, each JVM loading and compiling Hazelcast; the builder can start them a few at a time
 * ({@link Builder#startAtOnce}), give them leaner JVM options ({@link Builder#workerJvmOptions},
 * such as {@code -XX:TieredStopAtLevel=1}) and share their loaded classes through an archive
 * ({@link Builder#classDataArchive}), which together cut a worker's start-up CPU to about a
 * quarter.
 */
public final class LocalCluster implements AutoCloseable {
    /** How long to wait for the workers to join, by default: long, for busy machines. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static final System.Logger LOGGER = System.getLogger("dev.background.cluster");

    private static final String JAVA = ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

    private final Builder config;
    private final List<Integer> ports;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final List<Duration> startTimes = new ArrayList<>();
    /** The class data archive the workers map, once made; null if none was asked for or it could not be made. */
    private @Nullable Path archive;

    private LocalCluster(Builder config, List<Integer> ports) {
        this.config = config;
        this.ports = ports;
        for (int i = 0; i < ports.size(); i++) {
            processes.add(null);
            logs.add(null);
            startTimes.add(null);
        }
    }

    /**
     * Starts building a local cluster.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cluster's name.
     *
     * @return the name
     */
    public String clusterName() {
        return config.clusterName;
    }

    /**
     * The members' addresses.
     *
     * @return {@code 127.0.0.1:port,...}
     */
    public String members() {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /**
     * A cluster kind pointing at these workers, to adjust further.
     *
     * @return a builder with the cluster name and members set
     */
    public ClusterKind.Builder kindBuilder() {
        // Workers that have just started on a busy machine may take a while to answer a client.
        ClusterKind.Builder b = ClusterKind.builder()
                .clusterName(config.clusterName)
                .members(members())
                .connectTimeout(Duration.ofSeconds(60));
        return config.secretFile == null ? b : b.secretFile(config.secretFile);
    }

    /**
     * A cluster kind pointing at these workers.
     *
     * @return the kind
     */
    public ClusterKind kind() {
        return kindBuilder().build();
    }

    /**
     * A kind whose every pool starts its own local cluster of {@code members} workers of
     * {@code n} threads on 127.0.0.1 when it is built, and stops it once it has terminated: for
     * demos (such as {@code background demo --executor cluster}). The pool's {@code n} (per
     * member) defaults to {@link ClusterKind#DEFAULT_N}, or {@code n} if smaller. Building a pool blocks while
     * the workers start (a few seconds each); a worker that does not start fails the build with
     * an {@link IllegalStateException} carrying its output. The pools' Hazelcast clients log
     * nothing of Hazelcast's own ({@link ClusterKind.Builder#hazelcastLogging(String)
     * hazelcastLogging("none")}), so that a demo's output stays its own.
     *
     * @param members how many workers, at least 1
     * @param n tasks each worker runs at once, at least 1
     * @return the kind
     * @throws IllegalArgumentException if a count is less than 1
     */
    public static ExecutorKind selfStarting(int members, int n) {
        builder().members(members).n(n); // checks the counts now, not at the first pool
        return new ExecutorKind() {
            @Override
            public String name() {
                return "cluster";
            }

            @Override
            public int defaultN() {
                return Math.min(n, ClusterKind.DEFAULT_N);
            }

            @Override
            public Engine open(String poolName, int poolN) {
                return open(poolName, poolN, EngineEvents.NONE);
            }

            @Override
            public Engine open(String poolName, int poolN, EngineEvents events) {
                LocalCluster local = builder().members(members).n(n).start(); // a new name each time
                try {
                    return new OwningEngine(
                            local.kindBuilder().hazelcastLogging("none").build().open(poolName, poolN, events), local);
                } catch (RuntimeException | Error e) {
                    local.close();
                    throw e;
                }
            }

            @Override
            public boolean recordsSubmitSite() {
                return true;
            }

            @Override
            public String toString() {
                return "a local cluster of " + members + " worker JVMs";
            }
        };
    }

    /**
     * The operating system's process id of worker {@code i}.
     *
     * @param i the worker's index, from 0
     * @return the pid
     * @throws IllegalStateException if that worker is not running
     */
    public long pid(int i) {
        return running(i).pid();
    }

    /**
     * How long worker {@code i} took from its launch to joining the cluster, the last time it
     * started.
     *
     * @param i the worker's index
     * @return the start-up time
     */
    public Duration startTime(int i) {
        return startTimes.get(i);
    }

    /**
     * The file that worker {@code i}'s output goes to.
     *
     * @param i the worker's index
     * @return the log file
     */
    public Path log(int i) {
        return logs.get(i);
    }

    /**
     * Whether worker {@code i} is running.
     *
     * @param i the worker's index
     * @return true if its process is alive
     */
    public boolean isRunning(int i) {
        Process p = processes.get(i);
        return p != null && p.isAlive();
    }

    /**
     * Starts worker {@code i} again (on its port) and waits until it has joined.
     *
     * @param i the worker's index
     * @throws IllegalStateException if it is running, or does not start in time
     */
    public void restart(int i) {
        if (isRunning(i)) {
            throw new IllegalStateException("worker " + i + " is running");
        }
        launch(List.of(i));
    }

    /**
     * Kills worker {@code i} at once (SIGKILL, like {@code kill -9}) and waits for it to die.
     *
     * @param i the worker's index
     */
    public void kill(int i) {
        Process p = running(i);
        p.destroyForcibly();
        waitFor(p);
    }

    /**
     * Stops worker {@code i} gracefully (SIGTERM) and waits for it to end.
     *
     * @param i the worker's index
     */
    public void stop(int i) {
        Process p = processes.get(i);
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!waitFor(p)) {
                p.destroyForcibly();
                waitFor(p);
            }
        }
    }

    /** Stops every worker still running; blocks until they have ended. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (int i = 0; i < processes.size(); i++) {
            stop(i);
        }
    }

    private Process running(int i) {
        Process p = processes.get(i);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("worker " + i + " is not running");
        }
        return p;
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Launches the given workers at once and waits for each to print its ready line. */
    private void launch(List<Integer> which) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        List<Long> started = new ArrayList<>();
        for (int i : which) {
            started.add(System.nanoTime());
            ready.add(spawn(i));
        }
        long deadline = System.nanoTime() + config.startTimeout.toNanos();
        for (int k = 0; k < which.size(); k++) {
            int i = which.get(k);
            try {
                ready.get(k).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                startTimes.set(i, Duration.ofNanos(System.nanoTime() - started.get(k)));
            } catch (TimeoutException | ExecutionException e) {
                close();
                throw new IllegalStateException(
                        "worker " + i + " of local cluster '" + config.clusterName + "' did not start within "
                                + config.startTimeout + "; its output:\n" + tail(logs.get(i)),
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while starting local cluster", e);
            }
        }
    }

    private CompletableFuture<Void> spawn(int i) {
        List<String> cmd = new ArrayList<>(jvm());
        if (archive != null) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterWorker.class.getName());
        cmd.addAll(List.of(
                "--cluster",
                config.clusterName,
                "--members",
                members(),
                "--port",
                String.valueOf(ports.get(i)),
                "--n",
                String.valueOf(config.n)));
        if (!config.allow.isEmpty()) {
            cmd.addAll(List.of("--allow", String.join(",", config.allow)));
        }
        if (config.userClassPath != null) {
            cmd.addAll(List.of("--class-path", config.userClassPath));
        }
        if (config.secretFile != null) {
            cmd.addAll(List.of("--secret-file", config.secretFile.toString()));
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        try {
            Path log = Files.createTempFile("background-worker-" + i + "-", ".log");
            logs.set(i, log);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            processes.set(i, p);
            Thread.ofPlatform()
                    .daemon()
                    .name("background-local-worker-" + i + "-output")
                    .start(() -> pipe(p, log, ready));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + i + ": " + cmd, e);
        }
        return ready;
    }

    /** The java command and JVM options of every worker, before the class data archive and class path. */
    private List<String> jvm() {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(ClusterWorker.jvmOptions());
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        cmd.addAll(config.jvmOptions); // after the defaults, so that they can override them
        return cmd;
    }

    /**
     * Finds or makes the class data archive for these workers in {@code directory}: its name is a
     * hash of what the JVM checks an archive against (the JDK, the class path's files with their
     * sizes and times, the options), so that a rebuilt jar or another JDK gets a new one rather
     * than a refused one. Made by a training worker, started alone on a port of its own and stopped
     * (the JVM writes the archive as it exits), written under a temporary name and moved into
     * place, so that concurrent makers do not see each other's half-written file. Returns null,
     * with a warning, if it cannot be made: the workers then start without it, only slower.
     */
    private @Nullable Path makeArchive(Path directory) {
        List<String> jvm = jvm();
        StringBuilder key =
                new StringBuilder(String.join(" ", jvm)).append('\n').append(Runtime.version());
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator, -1)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) { // HotSpot archives classes from jars only, and refuses the rest
                LOGGER.log(
                        System.Logger.Level.WARNING,
                        "local cluster '" + config.clusterName + "': no class data archive, since the class path has a"
                                + " directory (" + entry + ") and class data sharing takes jars only; the workers"
                                + " start without one");
                return null;
            }
            key.append('\n').append(entry);
            try {
                if (Files.isRegularFile(p)) {
                    key.append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p));
                }
            } catch (IOException e) {
                key.append(" unreadable");
            }
        }
        Path file = directory.resolve("worker-" + sha256(key.toString()) + ".jsa");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path tmp = directory.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Process p = null;
        try {
            Files.createDirectories(directory);
            int port = freePort();
            List<String> cmd = new ArrayList<>(jvm);
            cmd.addAll(List.of(
                    "-XX:ArchiveClassesAtExit=" + tmp,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ClusterWorker.class.getName(),
                    "--cluster",
                    config.clusterName + "-training",
                    "--members",
                    "127.0.0.1:" + port,
                    "--port",
                    String.valueOf(port),
                    "--n",
                    String.valueOf(config.n)));
            Path log = Files.createTempFile("background-worker-training-", ".log");
            Process training = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p = training;
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Thread.ofPlatform()
                    .daemon()
                    .name("background-local-training-worker-output")
                    .start(() -> pipe(training, log, ready));
            try {
                ready.get(config.startTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IOException("the training worker did not start; its output:\n" + tail(log), e);
            }
            p.destroy(); // SIGTERM: a normal exit, at which the JVM writes the archive
            if (!p.waitFor(config.startTimeout.toSeconds(), TimeUnit.SECONDS) || !Files.isRegularFile(tmp)) {
                throw new IOException("the training worker wrote no archive; its output:\n" + tail(log));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(log);
            return file;
        } catch (IOException | RuntimeException e) {
            LOGGER.log(
                    System.Logger.Level.WARNING,
                    "local cluster '" + config.clusterName + "': no class data archive in " + directory
                            + ", the workers start without one",
                    e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a class data archive", e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temporary file in the archive directory, named as such
            }
        }
    }

    private static String sha256(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static int freePort() {
        return Builder.freePorts(1).get(0);
    }

    /** Copies a worker's output to its log, completing {@code ready} at its ready line. */
    private static void pipe(Process p, Path log, CompletableFuture<Void> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                if (line.startsWith(WorkerMain.READY)) {
                    out.flush();
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("worker exited before it was ready"));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Builds and starts a {@link LocalCluster}. Not thread-safe. */
    public static final class Builder {
        private int members = 2;
        private int n = ClusterKind.DEFAULT_N;
        private final String clusterName =
                "background-local-" + UUID.randomUUID().toString().substring(0, 8);
        private final List<String> allow = new ArrayList<>();
        private @Nullable String userClassPath;
        private @Nullable Path secretFile;
        private final List<String> jvmOptions = new ArrayList<>();
        private int startAtOnce = Integer.MAX_VALUE;
        private Duration startTimeout = START_TIMEOUT;
        private @Nullable Path archiveDirectory;

        private Builder() {}

        /**
         * JVM options for the workers, added after the defaults ({@code -Xmx256m
         * -XX:+UseSerialGC} and {@link ClusterWorker#jvmOptions()}), so that they can override
         * them: for example {@code -Xmx128m}, or {@code -XX:TieredStopAtLevel=1}, which halves a
         * worker's start-up CPU at the cost of slower code once warm (fine for tasks that sleep or
         * wait, not for measuring throughput). Options only: not the class path or the main class.
         * Default none.
         *
         * @param options JVM options, each one argument of the {@code java} command
         * @return this builder
         * @throws NullPointerException if {@code options} or one of them is null
         * @throws IllegalArgumentException if one is blank or does not start with {@code -}
         */
        public Builder workerJvmOptions(String... options) {
            for (String o : List.of(options)) { // List.of: NPE on a null element
                if (o.isBlank() || !o.startsWith("-")) {
                    throw new IllegalArgumentException("not a JVM option: '" + o + "'");
                }
            }
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /**
         * How many workers {@link #start()} launches at once. The first worker always starts
         * alone (it forms the cluster); the others start in groups of this many, each group once
         * the one before has joined. Default: all the others at once, fastest on a machine with a
         * core or more per worker; a few at a time starts a dozen workers on two cores more
         * reliably than all at once.
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder startAtOnce(int count) {
            this.startAtOnce = Settings.atLeast(count, 1, "startAtOnce");
            return this;
        }

        /**
         * How long {@link #start()} and {@link LocalCluster#restart(int)} wait for each group of
         * workers to join before giving up. Default 90 seconds.
         *
         * @param timeout positive
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Settings.positive(timeout, "timeout");
            return this;
        }

        /**
         * Class data sharing for the workers: they map the classes they load at start-up from an
         * archive in {@code directory} (HotSpot's {@code -XX:SharedArchiveFile}) rather than each
         * loading and verifying them, which takes a worker's start-up CPU from about 2.3 s to
         * 1.3 s (0.6 s with {@code -XX:TieredStopAtLevel=1}), measured on two cores. The first {@link #start()} with a given JDK, class path and JVM options makes the
         * archive by starting and stopping one extra worker (a few seconds, once); later starts,
         * in this JVM or another, reuse it. HotSpot archives classes from jars only: with a
         * directory on this JVM's class path (as in a Maven build's tests), or if the archive
         * cannot be made, a warning is logged and the workers start without one. Default: no
         * archive.
         *
         * @param directory where archives are kept; created if missing
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder classDataArchive(Path directory) {
            this.archiveDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The cluster secret's file, given to the workers ({@code --secret-file}) and to the kinds
         * of {@link #kindBuilder()}; see {@link ClusterWorker.Builder#secretFile}.
         *
         * @param file the secret file
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder secretFile(Path file) {
            this.secretFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * How many workers. Default 2.
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder members(int count) {
            this.members = Settings.atLeast(count, 1, "members");
            return this;
        }

        /**
         * Tasks each worker runs at once. Default 4.
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
         * The workers' {@code --class-path}: jars and directories with the tasks' classes, loaded
         * by the workers besides their own class path, as a deployed application's would be.
         *
         * @param path the class path, entries separated by the platform's path separator
         * @return this builder
         */
        public Builder userClassPath(String path) {
            this.userClassPath = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Packages the workers accept in tasks; see {@link ClusterWorker.Builder#allowPackages}.
         *
         * @param packages package names
         * @return this builder
         * @throws NullPointerException if {@code packages} or one of them is null
         */
        public Builder allowPackages(String... packages) {
            allow.addAll(List.of(packages));
            return this;
        }

        /**
         * Picks free ports on 127.0.0.1, makes or finds the class data archive if one was asked
         * for, starts the first worker, then the others ({@link #startAtOnce} at a time), and
         * waits until each has joined.
         *
         * @return the running cluster
         * @throws IllegalStateException if a worker does not start in time (its output is in the
         *     message); the workers already started are stopped
         */
        public LocalCluster start() {
            LocalCluster c = new LocalCluster(this, freePorts(members));
            if (archiveDirectory != null) {
                c.archive = c.makeArchive(archiveDirectory);
            }
            // The first forms the cluster; the others then join it rather than racing to form their own.
            c.launch(List.of(0));
            List<Integer> group = new ArrayList<>();
            for (int i = 1; i < members; i++) {
                group.add(i);
                if (group.size() == startAtOnce || i == members - 1) {
                    c.launch(group);
                    group = new ArrayList<>();
                }
            }
            return c;
        }

        private static List<Integer> freePorts(int count) {
            List<ServerSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    sockets.add(new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
                }
                return sockets.stream().map(ServerSocket::getLocalPort).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            } finally {
                for (ServerSocket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the port is free again either way
                    }
                }
            }
        }
    }
}
