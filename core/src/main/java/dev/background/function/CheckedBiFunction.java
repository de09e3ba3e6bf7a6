package dev.background.function;

import dev.background.Task;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * A function of two arguments that returns a value.
 *
 * <p>The body may throw checked exceptions; they reach the {@link Task}'s future as they are.
 * It is {@link Serializable} so that the same lambda can be sent to worker processes or
 * cluster members: a lambda is serialisable when its target type is, and then only when what it
 * captures is serialisable too.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface CheckedBiFunction<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object>
        extends Serializable {
    /**
     * Runs the function.
     *
     * @param a the first argument
     * @param b the second argument
     * @return the result
     * @throws Exception anything the body throws
     */
    R apply(A a, B b) throws Exception;
}
