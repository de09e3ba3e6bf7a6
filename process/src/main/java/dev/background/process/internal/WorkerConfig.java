package dev.background.process.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings of a process kind, validated by its builder.
 *
 * @param jvmOptions extra options for worker JVMs
 * @param systemProperties extra system properties for worker JVMs
 * @param eager start workers at open and replace dead ones at once
 * @param maxTasksPerWorker recycle after this many tasks, 0 for never
 * @param idleTimeout retire workers idle this long, null for never
 * @param retries reruns of a task whose worker died
 * @param cancelGrace time an interrupted task has to stop before its worker is killed
 * @param prefetch tasks sent ahead to a busy worker
 * @param serialFilter a user filter pattern, or null
 * @param classPath the workers' class path entries, or null for this JVM's
 * @param classDataCache the directory of class data sharing archives, or null for none
 */
public record WorkerConfig(
        List<String> jvmOptions,
        Map<String, String> systemProperties,
        boolean eager,
        int maxTasksPerWorker,
        @Nullable Duration idleTimeout,
        int retries,
        Duration cancelGrace,
        int prefetch,
        @Nullable String serialFilter,
        @Nullable List<String> classPath,
        @Nullable Path classDataCache) {

    /**
     * Settings with this JVM's class path and no class data archive.
     *
     * @param jvmOptions extra options for worker JVMs
     * @param systemProperties extra system properties for worker JVMs
     * @param eager start workers at open and replace dead ones at once
     * @param maxTasksPerWorker recycle after this many tasks, 0 for never
     * @param idleTimeout retire workers idle this long, null for never
     * @param retries reruns of a task whose worker died
     * @param cancelGrace time an interrupted task has to stop before its worker is killed
     * @param prefetch tasks sent ahead to a busy worker
     * @param serialFilter a user filter pattern, or null
     */
    public WorkerConfig(
            List<String> jvmOptions,
            Map<String, String> systemProperties,
            boolean eager,
            int maxTasksPerWorker,
            @Nullable Duration idleTimeout,
            int retries,
            Duration cancelGrace,
            int prefetch,
            @Nullable String serialFilter) {
        this(
                jvmOptions,
                systemProperties,
                eager,
                maxTasksPerWorker,
                idleTimeout,
                retries,
                cancelGrace,
                prefetch,
                serialFilter,
                null,
                null);
    }

    @Override
    public String toString() {
        return "[jvmOptions=" + jvmOptions + ", systemProperties=" + systemProperties + ", eager=" + eager
                + ", maxTasksPerWorker=" + maxTasksPerWorker + ", idleTimeout=" + idleTimeout
                + ", retries=" + retries + ", cancelGrace=" + cancelGrace + ", prefetch=" + prefetch
                + ", serialFilter=" + serialFilter + ", classPath=" + classPath + ", classDataCache="
                + classDataCache + "]";
    }
}
