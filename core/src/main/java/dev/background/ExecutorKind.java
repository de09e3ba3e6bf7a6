package dev.background;

import dev.background.internal.ThreadEngine;
import dev.background.spi.Engine;
import dev.background.spi.EngineEvents;

/**
 * What kind of workers a {@link BackgroundPool} runs its tasks on. The in-JVM kinds are here;
 * worker processes and clusters come from the {@code background-process} and
 * {@code background-cluster} modules, as further implementations of this interface.
 *
 * <p>Implementing a new kind means implementing this interface and {@link Engine}; nothing else
 * in the library changes.
 */
public interface ExecutorKind {

    /**
     * Platform threads: for CPU-bound work, like Python's {@code background}. The default
     * {@code n} is {@link Runtime#availableProcessors()}. Threads are daemons, started as needed
     * and retired after 60 s idle.
     *
     * @return the kind
     */
    static ExecutorKind threads() {
        return ThreadEngine.PLATFORM;
    }

    /**
     * Virtual threads: for I/O-bound work. {@code n} is the limit of tasks running at once and
     * may be 100,000 or more. The default {@code n} is 1,000:
     * high enough to wait on many slow services at once, and below the usual limit of 1,024 open
     * files per process, so that a fan-out of network calls does not fail with "too many open
     * files" before the user asks for more.
     *
     * @return the kind
     */
    static ExecutorKind virtualThreads() {
        return ThreadEngine.VIRTUAL;
    }

    /**
     * A short name for messages and thread names, such as {@code "threads"}.
     *
     * @return the name
     */
    String name();

    /**
     * The number of tasks that run at once when the user sets none.
     *
     * @return at least 1
     */
    int defaultN();

    /**
     * Opens an engine for one pool. Called once per pool, from {@link BackgroundPool.Builder#build()}.
     *
     * @param poolName the pool's name, for thread names and messages
     * @param n how many tasks may run at once, at least 1
     * @return a new engine
     */
    Engine open(String poolName, int n);

    /**
     * Opens an engine for one pool that reports its workers' comings and goings to
     * {@code events}. Kinds with workers of their own (worker processes, cluster members)
     * override this; the default ignores {@code events} and calls {@link #open(String, int)}.
     * The pool calls this one.
     *
     * @param poolName the pool's name, for thread names and messages
     * @param n how many tasks may run at once, at least 1
     * @param events where to report workers and members starting, dying, joining and leaving
     * @return a new engine
     */
    default Engine open(String poolName, int n, EngineEvents events) {
        return open(poolName, n);
    }

    /**
     * Whether tasks record where they were submitted ({@link dev.background.spi.Job#submitSite()}),
     * for kinds whose failures come from elsewhere (another process or machine) and would
     * otherwise not say which call of the user's failed. Costs a stack walk per submit; the
     * in-JVM kinds do not need it, since their failures carry the local stack.
     *
     * @return true to record submit sites
     */
    default boolean recordsSubmitSite() {
        return false;
    }
}
