package dev.background.process;

import dev.background.ExecutorKind;
import dev.background.RemoteTaskException;
import dev.background.TaskTransferException;
import dev.background.process.internal.ProcessEngine;
import dev.background.process.internal.WorkerConfig;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;
import java.io.ObjectInputFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Worker processes: an {@link ExecutorKind} that runs each task in one of {@code n} separate
 * worker JVMs, so that a task that calls {@code System.exit}, runs out of heap, is killed or
 * crashes its JVM costs one failed future, never the application.
 *
 * <pre>{@code
 * try (var pool = BackgroundPool.builder()
 *         .kind(ProcessKind.builder().jvmOptions("-Xmx256m").retriesOnWorkerDeath(1).build())
 *         .n(4).build()) {
 *     var render = pool.task((String page) -> Renderer.render(page));   // same API as threads
 *     render.map(pages).forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p><b>Workers</b> are started from the running JVM's {@code java} with the same class path (or
 * the {@linkplain Builder#classPath one given here}) and module path, the options of the running
 * JVM that let code use internals, {@code sun.misc.Unsafe} or native code without a warning
 * ({@code --add-opens}, {@code --sun-misc-unsafe-memory-access}, {@code --enable-native-access}
 * and the like), plus the {@linkplain Builder#jvmOptions JVM options} and
 * {@linkplain Builder#systemProperty system properties} given here. When the class path is made
 * of jar files only, workers share a {@linkplain Builder#classDataCache class data archive}: the
 * first worker records the classes it loads, and later workers, of this application or the next,
 * start with them already loaded, which roughly halves the CPU a worker spends before its first
 * answer. Each runs one task at a time;
 * the pool runs at most {@code n} at once. They talk to the application over their standard
 * input and output only (no network port). What a task prints to {@code System.out} or
 * {@code System.err} reaches the application's, each line prefixed with the worker's id.
 *
 * <p><b>Serialisation.</b> Tasks (the lambda with its captured values and arguments) and their
 * results and exceptions cross the boundary with Java serialisation. A task that cannot be
 * serialised fails at once, on the submitting thread, with a {@link TaskTransferException}
 * naming the offending class; so does one whose result cannot be sent back. Both sides deserialise through an {@link ObjectInputFilter} that
 * admits only the JDK's exported classes and the class path's own classes (no proxies), within
 * limits on depth and size; {@link Builder#serialFilter(String)} narrows or widens it.
 *
 * <p><b>Failures.</b> An exception thrown by a task reaches its future as itself (or, if it cannot
 * be serialised, as a {@link RemoteTaskException} standing in for it), with its remote stack
 * trace followed by the place where the task was submitted, as described in
 * {@linkplain dev.background the package documentation of dev.background}. A worker that
 * dies fails the task it was running with a {@link WorkerDiedException} (or retries it, if asked);
 * the tasks it had not started yet run elsewhere. {@code cancel(true)} and time limits interrupt
 * the task inside its worker; a worker that does not stop within the
 * {@linkplain Builder#cancelGracePeriod grace period} is killed and replaced, and the cancelled
 * future's exception carries a suppressed {@link WorkerDiedException} saying so.
 *
 * <p><b>Pipelining.</b> To keep workers busy, up to {@linkplain Builder#prefetch prefetch} tasks
 * are sent to a busy worker ahead of time, in batches. Such a task counts as started (for
 * cancellation and time limits) only when its worker begins it; cancelled before that, it never
 * runs; and when another worker is free while this one is busy with a long task, it is taken back
 * and runs on the free one.
 *
 * <p><b>Ends.</b> Closing the pool stops every worker; workers also exit by themselves as soon as
 * the application's JVM is gone, however it ended.
 *
 * <p>Instances are immutable and may be shared by several pools; each pool has its own workers.
 */
public final class ProcessKind implements ExecutorKind {

    private final WorkerConfig config;

    private ProcessKind(WorkerConfig config) {
        this.config = config;
    }

    /**
     * The kind with every default: lazy workers, no recycling, no idle timeout, no retries,
     * a 2 s cancel grace period.
     *
     * @return the kind
     */
    public static ProcessKind processes() {
        return builder().build();
    }

    /**
     * Starts configuring a kind.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return {@code "processes"}} */
    @Override
    public String name() {
        return "processes";
    }

    /**
     * The number of worker processes when the pool sets none: the number of processors.
     *
     * @return at least 1
     */
    @Override
    public int defaultN() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Opens the worker-process engine of one pool; with {@linkplain Builder#eager eager} workers,
     * starts them now (without waiting for them to be ready).
     *
     * @param poolName the pool's name, used in worker ids
     * @param n the number of workers
     * @return a new engine
     */
    @Override
    public Engine open(String poolName, int n) {
        return open(poolName, n, EngineEvents.NONE);
    }

    /**
     * Like {@link #open(String, int)}, reporting worker processes that start, die or are stopped
     * to {@code events}.
     *
     * @param poolName the pool's name, used in worker ids
     * @param n the number of workers
     * @param events where to report workers
     * @return a new engine
     */
    @Override
    public Engine open(String poolName, int n, EngineEvents events) {
        return new ProcessEngine(poolName, n, config, events);
    }

    /**
     * True: failures come from another JVM, so tasks record where they were submitted.
     *
     * @return true
     */
    @Override
    public boolean recordsSubmitSite() {
        return true;
    }

    @Override
    public String toString() {
        return "processes" + config;
    }

    /**
     * Configures a {@link ProcessKind}. Not thread-safe; each setter returns this builder.
     */
    public static final class Builder {
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private boolean eager;
        private int maxTasksPerWorker;
        private @Nullable Duration idleTimeout;
        private int retries;
        private Duration cancelGracePeriod = Duration.ofSeconds(2);
        private int prefetch = 16;
        private @Nullable String serialFilter;
        private @Nullable List<String> classPath;
        private @Nullable Path classDataCache = defaultClassDataCache();

        private Builder() {}

        /**
         * Adds options for the worker JVMs, such as {@code "-Xmx256m"} or {@code "-XX:+UseSerialGC"}.
         * They come after the library's own defaults ({@code -XX:+ExitOnOutOfMemoryError}, VM
         * output to standard error), so they may override them. Options that make the JVM print to
         * standard output (such as {@code -Xlog:gc} without {@code :stderr}) corrupt the channel to
         * the worker and get it stopped: send logs to stderr or a file.
         *
         * @param options the options, each one argument of {@code java}
         * @return this builder
         * @throws NullPointerException if {@code options} or one of them is null
         * @throws IllegalArgumentException if an option is blank or does not start with '-'
         */
        public Builder jvmOptions(String... options) {
            Objects.requireNonNull(options, "options");
            for (String o : options) {
                Objects.requireNonNull(o, "options contains null");
                if (o.isBlank() || !o.startsWith("-")) {
                    throw new IllegalArgumentException("a JVM option must start with '-': '" + o + "'");
                }
                jvmOptions.add(o);
            }
            return this;
        }

        /**
         * Sets a system property in the worker JVMs ({@code -Dkey=value}).
         *
         * @param key the property name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if {@code key} is blank or contains '='
         */
        public Builder systemProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isBlank() || key.contains("=")) {
                throw new IllegalArgumentException("invalid system property name: '" + key + "'");
            }
            systemProperties.put(key, value);
            return this;
        }

        /**
         * Whether to start all {@code n} workers when the pool is built, and to replace at once a
         * worker that dies or is recycled (default false: workers start when tasks need them).
         * Workers retired for being idle are restarted on demand either way.
         *
         * @param eager true to start workers eagerly
         * @return this builder
         */
        public Builder eager(boolean eager) {
            this.eager = eager;
            return this;
        }

        /**
         * Replaces a worker after it has been sent {@code k} tasks, like Python's
         * {@code max_tasks_per_child}; 0 (the default) never recycles.
         *
         * @param k tasks per worker, or 0
         * @return this builder
         * @throws IllegalArgumentException if {@code k} is negative
         */
        public Builder maxTasksPerWorker(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("maxTasksPerWorker must be 0 (never) or positive: " + k);
            }
            this.maxTasksPerWorker = k;
            return this;
        }

        /**
         * Stops workers that have had no task for this long; by default workers stay until the
         * pool is closed.
         *
         * @param timeout a positive duration, or null for never
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder idleTimeout(@Nullable Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive (or null for never): " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * How many times a task whose worker died under it is run again on a new worker before its
         * future fails with {@link WorkerDiedException} (default 0). Only for tasks that may safely
         * run more than once.
         *
         * @param retries at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code retries} is negative
         */
        public Builder retriesOnWorkerDeath(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retriesOnWorkerDeath must not be negative: " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * How long a task interrupted by {@code cancel(true)} or its time limit may take to stop
         * before its worker is killed and replaced (default 2 s).
         *
         * @param grace a positive duration
         * @return this builder
         * @throws NullPointerException if {@code grace} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder cancelGracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("cancelGracePeriod must be positive: " + grace);
            }
            this.cancelGracePeriod = grace;
            return this;
        }

        /**
         * How many tasks may be sent to a busy worker ahead of time, to hide the round trip
         * (default 16). Idle workers are always served first; tasks waiting in a worker busy with a
         * long task are taken back for a free one. 0 sends one task at a time.
         *
         * @param tasks at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code tasks} is negative
         */
        public Builder prefetch(int tasks) {
            if (tasks < 0) {
                throw new IllegalArgumentException("prefetch must not be negative: " + tasks);
            }
            this.prefetch = tasks;
            return this;
        }

        /**
         * A deserialisation filter pattern, in the syntax of
         * {@link ObjectInputFilter.Config#createFilter(String)}, applied on both sides before the
         * default rule: a class it allows or rejects is decided by it, limits in it
         * ({@code maxdepth=..}) tighten the defaults. For example
         * {@code "!com.example.legacy.*"} or {@code "com.example.plugins.**"}.
         *
         * @param pattern the pattern, or null for the default rule only
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder serialFilter(@Nullable String pattern) {
            if (pattern != null) {
                ObjectInputFilter.Config.createFilter(pattern); // validates now, not in a worker
            }
            this.serialFilter = pattern;
            return this;
        }

        /**
         * The class path of the worker JVMs, instead of this JVM's: for an application whose tasks
         * need only part of its class path (a command-line tool packed into one large jar, say),
         * which makes workers start faster. The tasks' classes, the library's
         * ({@code background-core}, {@code background-process}) and what they use must be on it.
         *
         * @param entries jar files and class directories, in order
         * @return this builder
         * @throws NullPointerException if {@code entries} or one of them is null
         * @throws IllegalArgumentException if {@code entries} is empty
         */
        public Builder classPath(List<Path> entries) {
            Objects.requireNonNull(entries, "entries");
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("a worker class path needs at least one entry");
            }
            List<String> cp = new ArrayList<>();
            for (Path e : entries) {
                Objects.requireNonNull(e, "entries contains null");
                cp.add(e.toAbsolutePath().toString());
            }
            this.classPath = List.copyOf(cp);
            return this;
        }

        /**
         * The directory of the workers' class data sharing archives (the JDK's AppCDS), or null
         * for none. Default: {@code background/worker-cds} in {@code $XDG_CACHE_HOME}, else in
         * {@code ~/.cache}. An archive is made for each JDK, class path and set of JVM options, by
         * the first worker that runs with them, when it exits; workers started later map it.
         * Several applications may share the directory. Used only when the workers' class path is
         * made of jar files and no module path is set, and not when the
         * {@linkplain #jvmOptions JVM options} choose their own sharing ({@code -Xshare:off},
         * {@code -XX:SharedArchiveFile}, an AOT cache). A directory that cannot be written, or an
         * archive the JDK does not accept, costs only the speed-up: workers then start as without.
         *
         * @param dir the directory, created when needed, or null to use no archive
         * @return this builder
         */
        public Builder classDataCache(@Nullable Path dir) {
            this.classDataCache = dir == null ? null : dir.toAbsolutePath();
            return this;
        }

        private static @Nullable Path defaultClassDataCache() {
            String xdg = System.getenv("XDG_CACHE_HOME");
            String home = System.getProperty("user.home");
            Path base = xdg != null && !xdg.isBlank()
                    ? Path.of(xdg)
                    : home == null || home.isBlank() ? null : Path.of(home, ".cache");
            return base == null ? null : base.resolve("background").resolve("worker-cds");
        }

        /**
         * Builds the kind.
         *
         * @return a new, immutable kind
         */
        public ProcessKind build() {
            return new ProcessKind(new WorkerConfig(
                    List.copyOf(jvmOptions),
                    Map.copyOf(systemProperties),
                    eager,
                    maxTasksPerWorker,
                    idleTimeout,
                    retries,
                    cancelGracePeriod,
                    prefetch,
                    serialFilter,
                    classPath,
                    classDataCache));
        }
    }
}
