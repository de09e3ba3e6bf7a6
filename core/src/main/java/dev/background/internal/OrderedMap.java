package dev.background.internal;

import dev.background.Task;
import dev.background.function.AsyncFunction;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The lazy, ordered, bounded {@code map}: a window of at most {@code maxInFlight} submitted calls,
 * refilled from the input iterator as the consumer takes results from its head. Single consumer:
 * no synchronisation beyond the tasks' own. A refill that fails (the inputs threw, or the pool
 * was shut down meanwhile) loses nothing: the calls already submitted are delivered first, in
 * order, and the failure is thrown after them, once.
 */
final class OrderedMap<A extends @Nullable Object, R extends @Nullable Object> implements Iterator<R> {
    private final AsyncFunction<A, R> fn;
    private final Iterator<? extends A> inputs;
    private final int maxInFlight;
    private final ArrayDeque<Task<R>> window;
    /** A refill's failure, thrown once the calls already submitted are delivered. */
    private @Nullable Throwable deferred;
    /** Whether the failure was thrown: the map has ended. */
    private boolean failed;

    private OrderedMap(AsyncFunction<A, R> fn, Iterator<? extends A> inputs, int maxInFlight) {
        this.fn = fn;
        this.inputs = inputs;
        this.maxInFlight = maxInFlight;
        this.window = new ArrayDeque<>(Math.min(maxInFlight, 1024));
    }

    static <A extends @Nullable Object, R extends @Nullable Object> Stream<R> map(
            AsyncFunction<A, R> fn, Iterator<? extends A> inputs, int maxInFlight, @Nullable BaseStream<?, ?> source) {
        OrderedMap<A, R> it = new OrderedMap<>(fn, inputs, maxInFlight);
        Stream<R> out = StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
        out = out.onClose(it::cancelInFlight);
        return source == null ? out : out.onClose(source::close);
    }

    /**
     * Submits inputs until the window is full. A failure (the inputs threw, or the pool refused a
     * submit) is kept, and refilling stops: the calls already in the window are still delivered,
     * and the failure is thrown once they have been.
     */
    private void fill() {
        if (deferred != null || failed) {
            return;
        }
        try {
            while (window.size() < maxInFlight && inputs.hasNext()) {
                window.addLast(fn.apply(inputs.next()));
            }
        } catch (RuntimeException | Error e) {
            deferred = e;
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        if (!window.isEmpty()) {
            return true;
        }
        Throwable failure = deferred;
        if (failure != null) {
            deferred = null;
            failed = true;
            if (failure instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) failure;
        }
        return false;
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        R value = window.pollFirst().result();
        fill(); // keep the workers busy while the consumer handles this result
        return value;
    }

    private void cancelInFlight() {
        for (Task<R> t; (t = window.pollFirst()) != null; ) {
            t.cancel(true);
        }
    }
}
