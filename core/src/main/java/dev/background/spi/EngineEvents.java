package dev.background.spi;

/**
 * What an {@link Engine} tells its pool about its workers, for the pool's listeners
 * ({@link dev.background.PoolEvent}). Given to
 * {@link dev.background.ExecutorKind#open(String, int, EngineEvents)}; implemented by the
 * library. Every method may be called from any thread, returns quickly, and never throws (a
 * listener's failure is logged, not passed on). Worker and member names are for people:
 * {@code "worker 2 (pid 4711)"}, {@code "10.0.0.5:5701"}.
 */
public interface EngineEvents {

    /** Reports nothing: for engines opened without a pool, in tests. */
    EngineEvents NONE = new EngineEvents() {};

    /**
     * A worker started and is ready for calls.
     *
     * @param worker the worker
     */
    default void workerStarted(String worker) {}

    /**
     * A worker ended unexpectedly (crashed, killed, its call exited the JVM).
     *
     * @param worker the worker
     * @param detail why, for people (an exit code, say)
     */
    default void workerDied(String worker, String detail) {}

    /**
     * The engine stopped a worker (retired, recycled, replaced, shut down).
     *
     * @param worker the worker
     * @param detail why, for people
     */
    default void workerStopped(String worker, String detail) {}

    /**
     * A cluster member joined.
     *
     * @param member the member's address
     */
    default void memberJoined(String member) {}

    /**
     * A cluster member left or was lost.
     *
     * @param member the member's address
     */
    default void memberLeft(String member) {}
}
