package dev.background.internal;

import dev.background.TaskTransferException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The decision logic of a {@link dev.background.RetryPolicy}: whether a failed attempt is tried
 * again, and after how long. Pure and deterministic given its random source and the times passed
 * in, so that it is tested without pools, threads or clocks ({@code RetryRulesTest}).
 *
 * <p>Thread-safety: immutable, except the {@link Budget}, which is shared by every task using the
 * policy and synchronises itself.
 */
public final class RetryRules {

    /** What {@link #delayAfter} returns to give up. */
    public static final long GIVE_UP = -1;

    /** Failures that say the call could not run (not that it failed): never retried. */
    private static final List<Class<? extends Throwable>> NEVER_RETRIED =
            List.of(CancellationException.class, RejectedExecutionException.class, TaskTransferException.class);

    private static @Nullable Function<Object, RetryRules> fromPolicy;

    private final int maxAttempts;
    private final long delayNanos;
    private final long maxDelayNanos;
    private final double multiplier;
    private final double jitter;
    private final List<Class<? extends Throwable>> retryOn;
    private final List<Class<? extends Throwable>> abortOn;
    private final @Nullable Predicate<? super Throwable> retryIf;
    private final long maxDurationNanos;
    private final @Nullable Budget budget;
    private final DoubleSupplier random;

    /**
     * Makes rules; arguments are checked by the public builder.
     *
     * @param maxAttempts attempts in all, the first included; 1 means no retry
     * @param delayNanos the delay before the first retry
     * @param maxDelayNanos the cap on any delay, jitter included
     * @param multiplier each further delay is the previous one times this (1: fixed delay)
     * @param jitter each delay is moved at random by up to this fraction of it, either way
     * @param retryOn only failures of these types are retried
     * @param abortOn failures of these types are never retried
     * @param retryIf when set, a failure is retried only if this also says so
     * @param maxDurationNanos no attempt starts later than this after the task's submit; 0 for none
     * @param budget retries allowed per time window, shared by every task of the policy; or null
     * @param random values in [0, 1) for the jitter
     */
    public RetryRules(
            int maxAttempts,
            long delayNanos,
            long maxDelayNanos,
            double multiplier,
            double jitter,
            List<Class<? extends Throwable>> retryOn,
            List<Class<? extends Throwable>> abortOn,
            @Nullable Predicate<? super Throwable> retryIf,
            long maxDurationNanos,
            @Nullable Budget budget,
            DoubleSupplier random) {
        this.maxAttempts = maxAttempts;
        this.delayNanos = delayNanos;
        this.maxDelayNanos = maxDelayNanos;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.retryOn = List.copyOf(retryOn);
        this.abortOn = List.copyOf(abortOn);
        this.retryIf = retryIf;
        this.maxDurationNanos = maxDurationNanos;
        this.budget = budget;
        this.random = random;
    }

    /** True if these rules ever retry. */
    public boolean retries() {
        return maxAttempts > 1;
    }

    /**
     * Decides what follows a failed attempt.
     *
     * @param failedAttempt the number of the attempt that failed, from 1
     * @param failure what it threw
     * @param startNanos {@link System#nanoTime()} when the task was submitted
     * @param nowNanos {@link System#nanoTime()} now
     * @return the delay in nanoseconds before the next attempt, or {@link #GIVE_UP}
     * @throws RuntimeException whatever the user's {@code retryIf} predicate throws
     */
    public long delayAfter(int failedAttempt, Throwable failure, long startNanos, long nowNanos) {
        if (failedAttempt >= maxAttempts || !retryable(failure)) {
            return GIVE_UP;
        }
        long delay = delayBefore(failedAttempt + 1);
        if (maxDurationNanos > 0 && nowNanos - startNanos + delay > maxDurationNanos) {
            return GIVE_UP; // the next attempt would start past the deadline
        }
        if (budget != null && !budget.tryTake(nowNanos)) {
            return GIVE_UP;
        }
        return delay;
    }

    private boolean retryable(Throwable failure) {
        if (isAny(failure, NEVER_RETRIED) || isAny(failure, abortOn) || !isAny(failure, retryOn)) {
            return false;
        }
        return retryIf == null || retryIf.test(failure);
    }

    private static boolean isAny(Throwable failure, List<Class<? extends Throwable>> types) {
        for (Class<? extends Throwable> type : types) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /** The delay before attempt {@code attempt} (from 2): backoff, then jitter, then the cap. */
    long delayBefore(int attempt) {
        double d = (double) delayNanos * Math.pow(multiplier, attempt - 2);
        if (jitter > 0) {
            d *= 1 + jitter * (2 * random.getAsDouble() - 1);
        }
        return (long) Math.max(0, Math.min(d, (double) maxDelayNanos));
    }

    /**
     * How many retries may start in a time window, across every task of one policy: a token
     * bucket holding at most {@code retries} tokens, refilled at {@code retries} per window.
     * Decisions are serialised by the monitor; they are rare (one per failed attempt).
     */
    public static final class Budget {
        private final long capacity;
        private final long nanosPerToken;
        private long tokens;
        private long lastRefill;
        private boolean started;

        public Budget(int retries, long windowNanos) {
            this.capacity = retries;
            this.nanosPerToken = Math.max(1, windowNanos / retries);
            this.tokens = retries;
        }

        synchronized boolean tryTake(long nowNanos) {
            if (!started) {
                started = true;
                lastRefill = nowNanos;
            }
            long earned = (nowNanos - lastRefill) / nanosPerToken;
            if (earned > 0) {
                tokens = Math.min(capacity, tokens + earned);
                lastRefill += earned * nanosPerToken;
            }
            if (tokens == 0) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    // ---------------------------------------------------------------- from the public type

    /**
     * Called once by {@link dev.background.RetryPolicy}'s class initialiser, so that this
     * package reads a policy's rules without the public type exposing them.
     *
     * @param access returns a policy's rules
     */
    public static synchronized void setPolicyAccess(Function<Object, RetryRules> access) {
        if (fromPolicy != null) {
            throw new IllegalStateException("policy access is already set");
        }
        fromPolicy = access;
    }

    /**
     * The rules of a {@link dev.background.RetryPolicy}.
     *
     * @param policy the policy (its class is initialised, since it exists)
     * @return its rules
     */
    public static RetryRules of(Object policy) {
        Function<Object, RetryRules> f;
        synchronized (RetryRules.class) {
            f = fromPolicy;
        }
        if (f == null) {
            throw new IllegalStateException("RetryPolicy is not initialised");
        }
        return f.apply(policy);
    }

    @Override
    public String toString() {
        return "maxAttempts=" + maxAttempts + ", delay=" + java.time.Duration.ofNanos(delayNanos)
                + (multiplier != 1 ? ", x" + multiplier + " up to " + java.time.Duration.ofNanos(maxDelayNanos) : "")
                + (jitter > 0 ? ", jitter=" + jitter : "")
                + ", retryOn=" + names(retryOn)
                + (abortOn.isEmpty() ? "" : ", abortOn=" + names(abortOn))
                + (retryIf != null ? ", retryIf=" + retryIf : "")
                + (maxDurationNanos > 0 ? ", maxDuration=" + java.time.Duration.ofNanos(maxDurationNanos) : "")
                + (budget != null
                        ? ", budget=" + budget.capacity + " per "
                                + java.time.Duration.ofNanos(budget.capacity * budget.nanosPerToken)
                        : "");
    }

    private static String names(List<Class<? extends Throwable>> types) {
        return types.stream().map(Class::getSimpleName).toList().toString();
    }
}
