package dev.background;

import dev.background.internal.RetryRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * When and how often a failed call is tried again: for one function
 * ({@code fn.retry(policy)}) or as a pool's default ({@link BackgroundPool.Builder#retry}).
 *
 * <pre>{@code
 * var retryTwice = RetryPolicy.builder()
 *         .maxAttempts(3)                                            // the first call and 2 retries
 *         .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))    // 100 ms, 200 ms, ... at most 5 s
 *         .jitter(0.2)                                               // each delay +-20 % at random
 *         .retryOn(IOException.class)
 *         .build();
 * var fetch = pool.task((String url) -> http.get(url)).retry(retryTwice);
 * }</pre>
 *
 * <p><b>What a retry is.</b> An attempt that throws a retryable failure makes its task wait for the
 * backoff and then run its call again, as the same {@link Task}; the task ends with the first
 * attempt that returns, or with the failure of the last attempt, which then carries the earlier
 * attempts' failures as {@linkplain Throwable#getSuppressed() suppressed} exceptions.
 * {@link Task#attempt()} tells which attempt runs or ran last. A backoff holds no worker: the
 * task waits on the library's timer thread and is queued again when the delay is over, so other
 * calls run meanwhile, even on a pool of {@code n = 1}. {@code cancel} stops the retries, during an
 * attempt or a backoff. A function's {@code timeout} limits each attempt, not their sum; use
 * {@link Builder#maxDuration} for a limit on them all. On worker processes and clusters each
 * attempt is sent anew and may run on another worker; these retries come on top of a kind's own
 * (such as retries on a worker's death).
 *
 * <p><b>Which failures.</b> By default every {@link Exception}; {@link Builder#retryOn},
 * {@link Builder#abortOn} and {@link Builder#retryIf} narrow that. Never retried, whatever the
 * policy: cancellation ({@link java.util.concurrent.CancellationException}), a pool's refusal
 * ({@link java.util.concurrent.RejectedExecutionException}) and {@link TaskTransferException},
 * which say that a call could not run rather than that it failed. A failure from another JVM
 * whose class does not exist here arrives as a {@link RemoteTaskException}: match that, or use
 * {@code retryIf} on its {@link RemoteTaskException#remoteClassName()}.
 *
 * <p><b>Threads.</b> The decision (and so a {@code retryIf} predicate) runs in the thread that
 * sees the attempt fail: the worker thread on in-JVM kinds, the kind's I/O thread on remote ones.
 * A predicate that throws ends the retries: the task fails with the attempt's failure, the
 * predicate's exception added to it as suppressed, and the predicate's exception is logged
 * through {@link System.Logger} (logger {@code dev.background}).
 *
 * <p>Policies are immutable and may be shared by functions and pools; the only shared state is the
 * {@linkplain Builder#budget budget}, if one is set, which counts the retries of every task that
 * uses the policy. Compare Failsafe's {@code RetryPolicy}, which this follows in shape.
 */
public final class RetryPolicy {

    static {
        RetryRules.setPolicyAccess(p -> ((RetryPolicy) p).rules);
    }

    private static final RetryPolicy NONE = builder().maxAttempts(1).build();

    private final RetryRules rules;

    private RetryPolicy(RetryRules rules) {
        this.rules = rules;
    }

    /**
     * No retries: one attempt. Given to a function, it overrides a pool's default policy.
     *
     * @return the policy of one attempt
     */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Starts a policy. Defaults: 3 attempts, exponential backoff from 100 ms doubling up to 10 s,
     * no jitter, every {@link Exception} retried, no overall deadline, no budget.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + rules + "]";
    }

    /** Builds {@link RetryPolicy}s. Not thread-safe; each {@link #build()} makes a new policy. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration delay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(10);
        private double multiplier = 2;
        private double jitter;
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
        private final List<Class<? extends Throwable>> abortOn = new ArrayList<>();
        private @Nullable Predicate<? super Throwable> retryIf;
        private Duration maxDuration = Duration.ZERO;
        private int budgetRetries;
        private Duration budgetWindow = Duration.ZERO;

        private Builder() {}

        /**
         * How many attempts a call gets in all, the first one included (default 3).
         *
         * @param attempts at least 1; 1 means no retry
         * @return this builder
         * @throws IllegalArgumentException if {@code attempts} is less than 1
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Waits the same {@code delay} before every retry (replaces a {@link #backoff}).
         *
         * @param delay zero or more
         * @return this builder
         * @throws NullPointerException if {@code delay} is null
         * @throws IllegalArgumentException if {@code delay} is negative
         */
        public Builder delay(Duration delay) {
            this.delay = checkNotNegative(delay, "delay");
            this.maxDelay = delay;
            this.multiplier = 1;
            return this;
        }

        /**
         * Exponential backoff: waits {@code first} before the first retry, then twice as long
         * before each next one, at most {@code max}.
         *
         * @param first the first delay, zero or more
         * @param max the longest delay, at least {@code first}
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code first} is negative or {@code max} shorter than it
         */
        public Builder backoff(Duration first, Duration max) {
            return backoff(first, max, 2);
        }

        /**
         * Exponential backoff with a given growth: waits {@code first}, then {@code multiplier}
         * times longer before each next retry, at most {@code max}.
         *
         * @param first the first delay, zero or more
         * @param max the longest delay, at least {@code first}
         * @param multiplier the growth of each delay over the previous one, at least 1
         * @return this builder
         * @throws NullPointerException if a duration is null
         * @throws IllegalArgumentException if {@code first} is negative, {@code max} shorter than
         *     it, or {@code multiplier} below 1 (or not a number)
         */
        public Builder backoff(Duration first, Duration max, double multiplier) {
            checkNotNegative(first, "first");
            Objects.requireNonNull(max, "max");
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("max must be at least first: " + max + " < " + first);
            }
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number of at least 1: " + multiplier);
            }
            this.delay = first;
            this.maxDelay = max;
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Moves each delay at random by up to {@code fraction} of it, either way, so that calls
         * that failed together do not all retry at the same instant. The cap of a
         * {@link #backoff} still holds.
         *
         * @param fraction from 0 (none, the default) to 1
         * @return this builder
         * @throws IllegalArgumentException if {@code fraction} is outside [0, 1]
         */
        public Builder jitter(double fraction) {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1: " + fraction);
            }
            this.jitter = fraction;
            return this;
        }

        /**
         * Retries only failures of these types (and their subtypes); without it, every
         * {@link Exception}. Calls add up.
         *
         * @param types the types
         * @return this builder
         * @throws NullPointerException if {@code types} or one of them is null
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<? extends Throwable> t : types) {
                retryOn.add(Objects.requireNonNull(t, "types contains null"));
            }
            return this;
        }

        /**
         * Never retries failures of these types (and their subtypes), even if {@link #retryOn}
         * covers them. Calls add up.
         *
         * @param types the types
         * @return this builder
         * @throws NullPointerException if {@code types} or one of them is null
         */
        @SafeVarargs
        public final Builder abortOn(Class<? extends Throwable>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<? extends Throwable> t : types) {
                abortOn.add(Objects.requireNonNull(t, "types contains null"));
            }
            return this;
        }

        /**
         * Retries a failure only if {@code predicate} also accepts it (after the type checks).
         * It runs in the thread that sees the attempt fail; if it throws, the retries end (see
         * the class comment).
         *
         * @param predicate decides on the failure
         * @return this builder
         * @throws NullPointerException if {@code predicate} is null
         */
        public Builder retryIf(Predicate<? super Throwable> predicate) {
            this.retryIf = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * An overall deadline: no attempt starts later than {@code max} after the call was
         * submitted (an attempt that started before goes on).
         *
         * @param max greater than zero
         * @return this builder
         * @throws NullPointerException if {@code max} is null
         * @throws IllegalArgumentException if {@code max} is zero or negative
         */
        public Builder maxDuration(Duration max) {
            this.maxDuration = checkPositive(max, "max");
            return this;
        }

        /**
         * A retry budget, shared by every task that uses the built policy: at most
         * {@code retries} retries start in any stretch of {@code per} (a token bucket refilled
         * evenly); a failure that finds the budget spent is not retried. It keeps a failing
         * dependency from being hit with every call's retries at once.
         *
         * @param retries at least 1
         * @param per the window, greater than zero
         * @return this builder
         * @throws NullPointerException if {@code per} is null
         * @throws IllegalArgumentException if {@code retries} is less than 1 or {@code per} is
         *     zero or negative
         */
        public Builder budget(int retries, Duration per) {
            if (retries < 1) {
                throw new IllegalArgumentException("retries must be at least 1: " + retries);
            }
            this.budgetWindow = checkPositive(per, "per");
            this.budgetRetries = retries;
            return this;
        }

        /**
         * Makes the policy.
         *
         * @return a new policy (with a budget of its own, if one is set)
         */
        public RetryPolicy build() {
            return new RetryPolicy(new RetryRules(
                    maxAttempts,
                    delay.toNanos(),
                    maxDelay.toNanos(),
                    multiplier,
                    jitter,
                    retryOn.isEmpty() ? List.of(Exception.class) : retryOn,
                    abortOn,
                    retryIf,
                    maxDuration.toNanos(),
                    budgetRetries > 0 ? new RetryRules.Budget(budgetRetries, budgetWindow.toNanos()) : null,
                    () -> ThreadLocalRandom.current().nextDouble()));
        }

        private static Duration checkNotNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }

        private static Duration checkPositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be greater than zero: " + d);
            }
            return d;
        }
    }
}
