package dev.background.spi;

import dev.background.function.CheckedBiFunction;
import dev.background.function.CheckedCallable;
import dev.background.function.CheckedFunction;
import dev.background.function.CheckedTriFunction;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call of a wrapped function: the function, the same object for every call made through it,
 * and the arguments of this call. It is what {@link Job#callable()} returns for calls of wrapped
 * functions, so that remote kinds can send a function to a worker once and then only the
 * arguments of each call, and rebuild the call there with {@link #of(Object, Object[])}.
 *
 * <p>Immutable; {@link #call()} may run in any thread, as often as wanted.
 *
 * @param <R> the result type
 */
public final class BoundCall<R extends @Nullable Object> implements CheckedCallable<R> {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final @Nullable Object[] NO_ARGUMENTS = {};

    /** A CheckedCallable, CheckedFunction, CheckedBiFunction or CheckedTriFunction, by arity. */
    private final Serializable function;

    /** The arguments, as many as the function's arity. */
    @SuppressWarnings("serial") // the arguments travel with Java serialisation; the kinds check them first
    private final @Nullable Object[] arguments;

    private BoundCall(Serializable function, @Nullable Object[] arguments) {
        this.function = function;
        this.arguments = arguments;
    }

    /**
     * A call of a function of no arguments.
     *
     * @param function the function
     * @param <R> the result type
     * @return the call
     * @throws NullPointerException if {@code function} is null
     */
    public static <R extends @Nullable Object> BoundCall<R> of(CheckedCallable<R> function) {
        return new BoundCall<>(Objects.requireNonNull(function, "function"), NO_ARGUMENTS);
    }

    /**
     * A call of a function of one argument.
     *
     * @param function the function
     * @param a the argument
     * @param <A> the argument's type
     * @param <R> the result type
     * @return the call
     * @throws NullPointerException if {@code function} is null
     */
    public static <A extends @Nullable Object, R extends @Nullable Object> BoundCall<R> of(
            CheckedFunction<A, R> function, A a) {
        return new BoundCall<>(Objects.requireNonNull(function, "function"), new @Nullable Object[] {a});
    }

    /**
     * A call of a function of two arguments.
     *
     * @param function the function
     * @param a the first argument
     * @param b the second argument
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the call
     * @throws NullPointerException if {@code function} is null
     */
    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> BoundCall<R> of(
            CheckedBiFunction<A, B, R> function, A a, B b) {
        return new BoundCall<>(Objects.requireNonNull(function, "function"), new @Nullable Object[] {a, b});
    }

    /**
     * A call of a function of three arguments.
     *
     * @param function the function
     * @param a the first argument
     * @param b the second argument
     * @param c the third argument
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <C> the third argument's type
     * @param <R> the result type
     * @return the call
     * @throws NullPointerException if {@code function} is null
     */
    public static <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            BoundCall<R> of(CheckedTriFunction<A, B, C, R> function, A a, B b, C c) {
        return new BoundCall<>(Objects.requireNonNull(function, "function"), new @Nullable Object[] {a, b, c});
    }

    /**
     * Rebuilds a call from its parts, as received by a remote worker.
     *
     * @param function a {@link CheckedCallable}, {@link CheckedFunction}, {@link CheckedBiFunction}
     *     or {@link CheckedTriFunction}
     * @param arguments as many arguments as the function takes (the array is not copied)
     * @return the call
     * @throws NullPointerException if {@code function} or {@code arguments} is null
     * @throws IllegalArgumentException if {@code function} is not one of those types, or takes a
     *     different number of arguments
     */
    public static BoundCall<?> of(Object function, @Nullable Object[] arguments) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(arguments, "arguments");
        boolean fits = switch (arguments.length) {
            case 0 -> function instanceof CheckedCallable<?>;
            case 1 -> function instanceof CheckedFunction<?, ?>;
            case 2 -> function instanceof CheckedBiFunction<?, ?, ?>;
            case 3 -> function instanceof CheckedTriFunction<?, ?, ?, ?>;
            default -> false;
        };
        if (!fits) {
            throw new IllegalArgumentException(
                    "a " + function.getClass().getName() + " is not a function of " + arguments.length + " arguments");
        }
        return new BoundCall<>((Serializable) function, arguments); // each of the types that fit is Serializable
    }

    /**
     * The function, the same object for every call of one wrapped function.
     *
     * @return the function
     */
    public Object function() {
        return function;
    }

    /**
     * The arguments of this call (not copied: do not change them).
     *
     * @return the arguments, 0 to 3
     */
    public @Nullable Object[] arguments() {
        return arguments;
    }

    /**
     * Applies the function to the arguments, in the calling thread.
     *
     * @return the function's result
     * @throws Exception what the function throws
     */
    @Override
    @SuppressWarnings("unchecked") // the factories tie the function's result type to R
    public R call() throws Exception {
        return switch (arguments.length) {
            case 0 -> ((CheckedCallable<R>) function).call();
            case 1 -> ((CheckedFunction<@Nullable Object, R>) function).apply(arguments[0]);
            case 2 ->
                ((CheckedBiFunction<@Nullable Object, @Nullable Object, R>) function).apply(arguments[0], arguments[1]);
            default ->
                ((CheckedTriFunction<@Nullable Object, @Nullable Object, @Nullable Object, R>) function)
                        .apply(arguments[0], arguments[1], arguments[2]);
        };
    }

    @Override
    public String toString() {
        return "BoundCall[" + function.getClass().getName() + ", " + arguments.length + " arguments]";
    }
}
