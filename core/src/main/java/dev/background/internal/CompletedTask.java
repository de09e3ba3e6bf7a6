package dev.background.internal;

import dev.background.Task;
import dev.background.TaskTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A task that has succeeded from the start, with a value known at once: what
 * {@link dev.background.Tasks#completed} returns. Complete from its construction, so it cannot be
 * cancelled or completed again (short of {@code obtrude*}); safe from any thread.
 */
public final class CompletedTask<T extends @Nullable Object> extends CompletableFuture<T> implements Task<T> {

    private final Instant created = Instant.now();

    public CompletedTask(T value) {
        super.complete(value);
    }

    @Override
    public T result() {
        return join();
    }

    @Override
    public T result(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return join();
    }

    @Override
    public @Nullable Throwable exception() {
        return null;
    }

    @Override
    public @Nullable Throwable exception(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return null;
    }

    /** Runs the callback at once, on the calling thread; a callback that throws is logged. */
    @Override
    public Task<T> onDone(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        Log.runCallback(callback, this);
        return this;
    }

    @Override
    public String name() {
        return "completed";
    }

    /** A value given, not computed: ended as it was created, without a call that started. */
    @Override
    public TaskTimings timings() {
        return new TaskTimings(created, null, created, Duration.ZERO, Duration.ZERO, 1, null);
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String toString() {
        return "Task[completed, SUCCESS]";
    }
}
