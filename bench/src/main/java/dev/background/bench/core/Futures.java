package dev.background.bench.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a batch the same way on every target. */
final class Futures {
    private Futures() {}

    /** Waits for every future of the array and clears it; returns the sum of their results. */
    @SuppressWarnings("NullAway") // clears the slots it read: the next submitBatch fills them all again
    static long awaitAll(Future<?>[] futures) throws InterruptedException, ExecutionException {
        long sum = 0;
        for (int i = 0; i < futures.length; i++) {
            Object v = futures[i].get();
            sum += v == null ? 0 : ((Integer) v);
            futures[i] = null;
        }
        return sum;
    }
}
