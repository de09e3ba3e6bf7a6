package dev.background.function;

import dev.background.Task;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A function of three arguments that returns nothing.
 *
 * <p>The body may throw checked exceptions; they reach the {@link Task}'s future as they are.
 * It is {@link Serializable} so that the same lambda can be sent to worker processes or
 * cluster members: a lambda is serialisable when its target type is, and then only when what it
 * captures is serialisable too.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <C> the third argument type
 */
@FunctionalInterface
public interface CheckedTriConsumer<A extends @Nullable Object, B extends @Nullable Object, C extends @Nullable Object>
        extends Serializable {
    /**
     * Runs the function.
     *
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument
     * @throws Exception anything the body throws
     */
    void accept(A a, B b, C c) throws Exception;
}
