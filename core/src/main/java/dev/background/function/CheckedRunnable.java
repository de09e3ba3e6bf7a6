package dev.background.function;

import dev.background.Task;
import java.io.Serializable;

/**
 * A function of no arguments that returns nothing.
 *
 * <p>The body may throw checked exceptions; they reach the {@link Task}'s future as they are.
 * It is {@link Serializable} so that the same lambda can be sent to worker processes or
 * cluster members: a lambda is serialisable when its target type is, and then only when what it
 * captures is serialisable too.
 */
@FunctionalInterface
public interface CheckedRunnable extends Serializable {
    /**
     * Runs the function.
     *
     * @throws Exception anything the body throws
     */
    void run() throws Exception;
}
