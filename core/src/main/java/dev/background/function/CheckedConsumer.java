package dev.background.function;

import dev.background.Task;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A function of one argument that returns nothing.
 *
 * <p>The body may throw checked exceptions; they reach the {@link Task}'s future as they are.
 * It is {@link Serializable} so that the same lambda can be sent to worker processes or
 * cluster members: a lambda is serialisable when its target type is, and then only when what it
 * captures is serialisable too.
 *
 * @param <A> the argument type
 */
@FunctionalInterface
public interface CheckedConsumer<A extends @Nullable Object> extends Serializable {
    /**
     * Runs the function.
     *
     * @param a the argument
     * @throws Exception anything the body throws
     */
    void accept(A a) throws Exception;
}
