package dev.background.internal;

import dev.background.AsyncFunction;
import dev.background.Task;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy, ordered, bounded {@code map}: a window of at most {@code maxInFlight} submitted calls,
 * refilled from the input iterator as the consumer takes results from its head. Single consumer:
 * no synchronisation beyond the tasks' own. A refill that fails after a result was taken (the
 * inputs threw, or the pool was shut down meanwhile) does not lose that result: the failure is
 * thrown by the next call instead.
 */
final class OrderedMap<A, R> implements Iterator<R> {
    private final AsyncFunction<A, R> fn;
    private final Iterator<? extends A> inputs;
    private final int maxInFlight;
    private final ArrayDeque<Task<R>> window;
    /** A refill's failure, kept for the next call so that the result in hand is returned first. */
    private RuntimeException deferred;

    private OrderedMap(AsyncFunction<A, R> fn, Iterator<? extends A> inputs, int maxInFlight) {
        this.fn = fn;
        this.inputs = inputs;
        this.maxInFlight = maxInFlight;
        this.window = new ArrayDeque<>(Math.min(maxInFlight, 1024));
    }

    static <A, R> Stream<R> map(AsyncFunction<A, R> fn, Iterator<? extends A> inputs, int maxInFlight,
                                BaseStream<?, ?> source) {
        OrderedMap<A, R> it = new OrderedMap<>(fn, inputs, maxInFlight);
        Stream<R> out = StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
        out = out.onClose(it::cancelInFlight);
        return source == null ? out : out.onClose(source::close);
    }

    private void fill() {
        RuntimeException failure = deferred;
        if (failure != null) {
            deferred = null;
            throw failure;
        }
        while (window.size() < maxInFlight && inputs.hasNext()) {
            window.addLast(fn.apply(inputs.next()));
        }
    }

    @Override
    public boolean hasNext() {
        fill();
        return !window.isEmpty();
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Task<R> head = window.pollFirst();
        R value = head.result();
        try {
            fill(); // keep the workers busy while the consumer handles this result
        } catch (RuntimeException e) {
            deferred = e;
        }
        return value;
    }

    private void cancelInFlight() {
        for (Task<R> t; (t = window.pollFirst()) != null; ) {
            t.cancel(true);
        }
    }
}
