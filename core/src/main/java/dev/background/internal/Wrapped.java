package dev.background.internal;

import dev.background.Task;
import dev.background.function.AsyncBiFunction;
import dev.background.function.AsyncCallable;
import dev.background.function.AsyncFunction;
import dev.background.function.AsyncTriFunction;
import dev.background.function.CheckedBiFunction;
import dev.background.function.CheckedCallable;
import dev.background.function.CheckedFunction;
import dev.background.function.CheckedTriFunction;
import dev.background.spi.BoundCall;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The wrapped functions that {@code task(..)} returns: a pool, a user function and its options.
 * Each call binds its arguments into one serialisable {@link BoundCall} and submits it, so that
 * remote kinds can tell the function (the same object for every call) from the arguments.
 * Functions that return nothing are adapted to these by the caller (returning null).
 *
 * @param <F> the concrete wrapped type, returned by the option methods
 */
public abstract sealed class Wrapped<F> {
    final PoolCore pool;
    final CallOptions options;

    private Wrapped(PoolCore pool, CallOptions options) {
        this.pool = pool;
        this.options = options;
    }

    abstract F with(CallOptions newOptions);

    public final F named(String name) {
        return with(options.withName(Objects.requireNonNull(name, "name")));
    }

    public final F timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be greater than zero: " + timeout);
        }
        return with(options.withTimeout(timeout));
    }

    public final F limit(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        return with(options.withLimit(maxConcurrent));
    }

    public final F retry(dev.background.RetryPolicy policy) {
        return with(options.withRetry(RetryRules.of(Objects.requireNonNull(policy, "policy"))));
    }

    public final F after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        return with(options.withDelay(delay.toNanos()));
    }

    final <R extends @Nullable Object> Task<R> submit(CheckedCallable<R> call) {
        return pool.submit(call, options);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + options.displayName() + " on pool '" + pool.name() + "']";
    }

    public static <R extends @Nullable Object> AsyncCallable<R> of(PoolCore pool, CheckedCallable<R> fn) {
        return new Callable0<>(pool, CallOptions.DEFAULT, fn);
    }

    public static <A extends @Nullable Object, R extends @Nullable Object> AsyncFunction<A, R> of(
            PoolCore pool, CheckedFunction<A, R> fn) {
        return new Function1<>(pool, CallOptions.DEFAULT, fn);
    }

    public static <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object>
            AsyncBiFunction<A, B, R> of(PoolCore pool, CheckedBiFunction<A, B, R> fn) {
        return new Function2<>(pool, CallOptions.DEFAULT, fn);
    }

    public static <
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            AsyncTriFunction<A, B, C, R> of(PoolCore pool, CheckedTriFunction<A, B, C, R> fn) {
        return new Function3<>(pool, CallOptions.DEFAULT, fn);
    }

    static final class Callable0<R extends @Nullable Object> extends Wrapped<AsyncCallable<R>>
            implements AsyncCallable<R> {
        private final CheckedCallable<R> fn;

        Callable0(PoolCore pool, CallOptions options, CheckedCallable<R> fn) {
            super(pool, options);
            this.fn = fn;
        }

        @Override
        AsyncCallable<R> with(CallOptions o) {
            return new Callable0<>(pool, o, fn);
        }

        @Override
        public Task<R> call() {
            return submit(BoundCall.of(fn));
        }
    }

    static final class Function1<A extends @Nullable Object, R extends @Nullable Object>
            extends Wrapped<AsyncFunction<A, R>> implements AsyncFunction<A, R> {
        private final CheckedFunction<A, R> fn;

        Function1(PoolCore pool, CallOptions options, CheckedFunction<A, R> fn) {
            super(pool, options);
            this.fn = fn;
        }

        @Override
        AsyncFunction<A, R> with(CallOptions o) {
            return new Function1<>(pool, o, fn);
        }

        @Override
        public Task<R> apply(A a) {
            return submit(BoundCall.of(fn, a));
        }

        @Override
        public Stream<R> map(Iterable<? extends A> inputs) {
            Objects.requireNonNull(inputs, "inputs");
            return OrderedMap.map(this, inputs.iterator(), defaultWindow(), null);
        }

        @Override
        public Stream<R> map(Stream<? extends A> inputs) {
            return map(inputs, defaultWindow());
        }

        @Override
        public Stream<R> map(Stream<? extends A> inputs, int maxInFlight) {
            Objects.requireNonNull(inputs, "inputs");
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
            }
            return OrderedMap.map(this, inputs.iterator(), maxInFlight, inputs);
        }

        private int defaultWindow() {
            int n = pool.n();
            return n > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : Math.max(2 * n, 2);
        }
    }

    static final class Function2<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object>
            extends Wrapped<AsyncBiFunction<A, B, R>> implements AsyncBiFunction<A, B, R> {
        private final CheckedBiFunction<A, B, R> fn;

        Function2(PoolCore pool, CallOptions options, CheckedBiFunction<A, B, R> fn) {
            super(pool, options);
            this.fn = fn;
        }

        @Override
        AsyncBiFunction<A, B, R> with(CallOptions o) {
            return new Function2<>(pool, o, fn);
        }

        @Override
        public Task<R> apply(A a, B b) {
            return submit(BoundCall.of(fn, a, b));
        }
    }

    static final class Function3<
                    A extends @Nullable Object,
                    B extends @Nullable Object,
                    C extends @Nullable Object,
                    R extends @Nullable Object>
            extends Wrapped<AsyncTriFunction<A, B, C, R>> implements AsyncTriFunction<A, B, C, R> {
        private final CheckedTriFunction<A, B, C, R> fn;

        Function3(PoolCore pool, CallOptions options, CheckedTriFunction<A, B, C, R> fn) {
            super(pool, options);
            this.fn = fn;
        }

        @Override
        AsyncTriFunction<A, B, C, R> with(CallOptions o) {
            return new Function3<>(pool, o, fn);
        }

        @Override
        public Task<R> apply(A a, B b, C c) {
            return submit(BoundCall.of(fn, a, b, c));
        }
    }
}
